import asyncio
from datetime import timedelta

import pytest

from bot.core.errors import NotFound, UserError
from bot.core.notify import Note

GUILD = 77
MOD_A = "a" * 64
MOD_B = "b" * 64


class RecordingNotifier:
    def __init__(self) -> None:
        self.mod_log: list[tuple[int, Note]] = []
        self.dms: list[tuple[int, int, Note]] = []

    async def send_dm(self, guild_id: int, user_id: int, note: Note) -> bool:
        self.dms.append((guild_id, user_id, note))
        return True

    async def send_mod_log(self, guild_id: int, note: Note) -> bool:
        self.mod_log.append((guild_id, note))
        return True


async def test_flag_moves_open_acknowledged_resolved_and_is_audited(services) -> None:
    flag = await services.flags.raise_flag(GUILD, "report", "p" * 64, "Quiet Fern", detail="unkind reply")
    assert flag.state == "open"
    assert (await services.flags.acknowledge(GUILD, flag.id, MOD_A)).state == "acknowledged"
    assert (await services.flags.resolve(GUILD, flag.id, MOD_A, "talked it through")).state == "resolved"
    actions = [entry.action for entry in await services.audit.recent(GUILD)]
    assert actions == ["flag_resolved", "flag_acknowledged"]
    assert await services.flags.list(GUILD) == []


async def test_two_moderators_acting_at_once_one_wins(services) -> None:
    flag = await services.flags.raise_flag(GUILD, "crisis", "p" * 64, "Quiet Fern")
    results = await asyncio.gather(
        services.flags.acknowledge(GUILD, flag.id, MOD_A),
        services.flags.acknowledge(GUILD, flag.id, MOD_B),
        return_exceptions=True,
    )
    wins = [r for r in results if not isinstance(r, Exception)]
    losses = [r for r in results if isinstance(r, UserError)]
    assert len(wins) == 1 and len(losses) == 1
    assert "already acknowledged" in losses[0].message


async def test_unknown_flag_and_other_servers_flag(services) -> None:
    flag = await services.flags.raise_flag(GUILD, "report", "p" * 64, "Quiet Fern")
    with pytest.raises(NotFound, match="no flag #999"):
        await services.flags.acknowledge(GUILD, 999, MOD_A)
    with pytest.raises(NotFound):
        await services.flags.acknowledge(GUILD + 1, flag.id, MOD_A)


async def test_crisis_flags_realert_until_acknowledged(services, clock) -> None:
    notifier = RecordingNotifier()
    crisis = await services.flags.raise_flag(GUILD, "crisis", "p" * 64, "Quiet Fern", jump_url="https://x/1")
    await services.flags.raise_flag(GUILD, "report", "q" * 64, "Soft Moss")
    clock.advance(timedelta(minutes=9))
    assert await services.flags.run_realerts(notifier) == 0
    clock.advance(timedelta(minutes=1))
    assert await services.flags.run_realerts(notifier) == 1
    assert "Re-alert 2" in notifier.mod_log[-1][1].text and "Quiet Fern" in notifier.mod_log[-1][1].text
    clock.advance(timedelta(minutes=10))
    assert await services.flags.run_realerts(notifier) == 1
    await services.flags.acknowledge(GUILD, crisis.id, MOD_A)
    clock.advance(timedelta(minutes=30))
    assert await services.flags.run_realerts(notifier) == 0


def test_alert_shows_buttons_for_the_state(services) -> None:
    from bot.core.flags import Flag

    flag = Flag(5, GUILD, "crisis", "p" * 64, "Quiet Fern", None, "", "https://x/1", "open", "t", 1)
    note = services.flags.render(flag, "Birth trauma circle")
    assert [c.id for c in note.choices] == ["flag:ack:5", "flag:resolve:5"]
    assert "Quiet Fern" in note.text and "Birth trauma circle" in note.text and "https://x/1" in note.text


async def test_reason_is_required(services) -> None:
    flag = await services.flags.raise_flag(GUILD, "report", "p" * 64, "Quiet Fern")
    with pytest.raises(UserError, match="short reason"):
        await services.flags.resolve(GUILD, flag.id, MOD_A, "   ")
