import asyncio

import pytest

from bot.core.errors import NotFound, UserError

GUILD = 77
MOD_A = "a" * 64
MOD_B = "b" * 64


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


def test_alert_shows_buttons_for_the_state(services) -> None:
    from bot.core.flags import Flag

    flag = Flag(5, GUILD, "crisis", "p" * 64, "Quiet Fern", None, "", "https://x/1", "open", "t", 1,
                group_name="Birth trauma circle")
    note = services.flags.render(flag)
    assert [c.id for c in note.choices] == ["flag:ack:5", "flag:resolve:5"]
    assert "Quiet Fern" in note.text and "Birth trauma circle" in note.text and "https://x/1" in note.text


async def test_reason_is_required(services) -> None:
    flag = await services.flags.raise_flag(GUILD, "report", "p" * 64, "Quiet Fern")
    with pytest.raises(UserError, match="short reason"):
        await services.flags.resolve(GUILD, flag.id, MOD_A, "   ")
