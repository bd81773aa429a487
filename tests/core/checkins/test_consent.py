from datetime import timedelta

import pytest

from bot.core.consent import render_consent
from bot.core.errors import UserError
from tests.core.checkins.conftest import GUILD


async def test_nothing_is_assumed_before_she_chooses(services) -> None:
    consent = await services.consent.get(GUILD, "p" * 64)
    assert consent.checkins is None and consent.research is None
    note = render_consent(GUILD, consent)
    assert [c.id for c in note.choices] == [f"consent:{GUILD}:checkins:yes", f"consent:{GUILD}:checkins:no",
                                            f"consent:{GUILD}:research:yes", f"consent:{GUILD}:research:no"]
    assert all(len(c.id) <= 100 for c in note.choices)
    assert "not chosen yet" in note.text


async def test_two_separate_consents_with_timestamps_and_history(services, clock) -> None:
    pseudonym = "p" * 64
    consent, changed = await services.consent.set(GUILD, pseudonym, "checkins", True)
    assert changed and consent.checkins is True and consent.research is None
    assert consent.checkins_changed_at == clock.now()
    clock.advance(timedelta(days=3))
    consent, _ = await services.consent.set(GUILD, pseudonym, "research", True)
    assert consent.research_changed_at == clock.now() and consent.checkins_changed_at < clock.now()
    clock.advance(timedelta(days=1))
    consent, changed = await services.consent.set(GUILD, pseudonym, "research", False)
    assert changed and consent.research is False and consent.checkins is True
    _, changed = await services.consent.set(GUILD, pseudonym, "research", False)
    assert not changed
    events = await services.db.fetchall("SELECT kind, given FROM consent_events ORDER BY id")
    assert [tuple(row) for row in events] == [("checkins", 1), ("research", 1), ("research", 0)]


async def test_withdrawing_check_ins_closes_her_open_one(world, clock) -> None:
    await world.schedule()
    member = world.members[0]
    await world.move_to(clock.now().replace(hour=19))
    outcome = await world.checkins.set_consent(GUILD, member.user_id, "checkins", False)
    assert "no check-ins from now on" in outcome.note.text
    rows = {row["pseudonym"]: row for row in await world.rows()}
    assert (rows[member.pseudonym]["state"], rows[member.pseudonym]["reason"]) == ("skipped", "consent withdrawn")
    assert rows[world.members[1].pseudonym]["state"] == "sent"


async def test_only_members_can_consent(world) -> None:
    with pytest.raises(UserError, match="join one with /join"):
        await world.checkins.set_consent(GUILD, 123456, "checkins", True)
    assert await world.services.db.fetchval("SELECT count(*) FROM consents WHERE pseudonym = ?",
                                            (world.services.aliases.pseudonym(GUILD, 123456),)) == 0
