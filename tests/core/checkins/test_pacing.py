from datetime import UTC, datetime

from tests.core.checkins.conftest import build_world


async def test_sends_are_paced_to_the_configured_rate(services, clock) -> None:
    world = await build_world(services, clock, members=4)
    pauses: list[float] = []

    async def record(seconds: float) -> None:
        pauses.append(seconds)

    services.checkins.sleep = record
    await world.schedule()
    report = await world.move_to(datetime(2026, 3, 2, 19, tzinfo=UTC))
    assert report.sent == 4
    assert pauses == [1 / 50] * 3  # rate 50/s in these tests; the first DM goes at once


async def test_one_run_sends_at_most_its_share_and_the_next_tick_sends_the_rest(services, clock) -> None:
    world = await build_world(services, clock, members=5)
    services.checkins._settings = type(services.settings.checkins)(send_rate_per_second=0.1)  # 2 per run

    async def no_wait(seconds: float) -> None:
        assert seconds == 10

    services.checkins.sleep = no_wait
    await world.schedule()
    assert (await world.move_to(datetime(2026, 3, 2, 19, tzinfo=UTC))).sent == 2
    assert (await world.run()).sent == 2
    assert (await world.run()).sent == 1
    assert len(world.notifier.dms) == 5
