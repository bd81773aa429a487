"""Consent button ids: what `consent_choice` builds `parse_consent_choice` reads back; anything else is
a kind refusal. `CheckinService.press_consent` is the whole step both adapters call."""

from datetime import UTC, datetime

import pytest

from bot.core.consent import (
    OTHER_SERVER_BUTTON,
    UNKNOWN_CONSENT_BUTTON,
    ConsentChoice,
    consent_choice,
    parse_consent_choice,
)
from bot.core.errors import UserError
from tests.core.checkins.conftest import GUILD

MONDAY_19 = datetime(2026, 3, 2, 19, tzinfo=UTC)
LARGEST_SNOWFLAKE = 2**63 - 1


@pytest.mark.parametrize(
    ("rest", "expected"),
    [
        (f"{GUILD}:checkins:yes", ConsentChoice(GUILD, "checkins", True)),
        (f"{GUILD}:checkins:no", ConsentChoice(GUILD, "checkins", False)),
        (f"{GUILD}:research:yes", ConsentChoice(GUILD, "research", True)),
        (f"{GUILD}:research:no", ConsentChoice(GUILD, "research", False)),
        (f"{LARGEST_SNOWFLAKE}:research:no", ConsentChoice(LARGEST_SNOWFLAKE, "research", False)),
    ],
)
def test_valid_ids_parse(rest: str, expected: ConsentChoice) -> None:
    assert parse_consent_choice(rest) == expected


@pytest.mark.parametrize(
    "rest",
    [
        "", f"{GUILD}", f"{GUILD}:checkins", f"{GUILD}:checkins:maybe", f"{GUILD}:outcomes:yes", "x:checkins:yes",
        f"{GUILD}:checkins:yes:extra", f"-{GUILD}:checkins:yes", f"{GUILD}:Checkins:yes", f"{GUILD}:checkins:YES",
        f" {GUILD}:checkins:yes", f"{GUILD}:checkins:yes\n", "²:checkins:yes", f"{LARGEST_SNOWFLAKE + 1}:checkins:yes",
        "1" * 20 + ":checkins:yes", f"consent:{GUILD}:checkins:yes",
    ],
)
def test_malformed_ids_are_a_kind_user_error(rest: str) -> None:
    with pytest.raises(UserError) as raised:
        parse_consent_choice(rest)
    assert raised.value.message == UNKNOWN_CONSENT_BUTTON


@pytest.mark.parametrize(("kind", "give"), [("checkins", True), ("checkins", False), ("research", True),
                                            ("research", False)])
def test_built_ids_parse_back(kind, give) -> None:
    built = consent_choice(GUILD, kind, give, "label").id
    prefix, _, rest = built.partition(":")
    assert prefix == "consent" and parse_consent_choice(rest) == ConsentChoice(GUILD, kind, give)


async def test_press_consent_stores_her_choice_in_a_dm_or_in_her_server(world) -> None:
    member = await world.add_member(9100, consent=None)
    outcome = await world.checkins.press_consent(f"{GUILD}:research:yes", member.user_id, server_id=None)
    assert "research use of your scores" in outcome.note.text and outcome.checkin is None
    await world.checkins.press_consent(f"{GUILD}:checkins:no", member.user_id, server_id=GUILD)
    stored = await world.services.consent.get(GUILD, member.pseudonym)
    assert (stored.research, stored.checkins) == (True, False)


async def test_press_consent_yes_starts_the_waiting_checkin(world) -> None:
    member = await world.add_member(9100, consent=None)
    await world.schedule()
    await world.move_to(MONDAY_19)
    outcome = await world.checkins.press_consent(f"{GUILD}:checkins:yes", member.user_id, server_id=GUILD)
    assert outcome.checkin is not None and "1 of 9" in outcome.checkin.text


@pytest.mark.parametrize(("rest", "server_id", "message"), [
    (f"{GUILD}:checkins:maybe", GUILD, UNKNOWN_CONSENT_BUTTON),
    (f"{GUILD}:checkins:yes", GUILD + 1, OTHER_SERVER_BUTTON),
])
async def test_press_consent_refuses_without_storing(world, rest: str, server_id: int, message: str) -> None:
    member = await world.add_member(9100, consent=None)
    with pytest.raises(UserError) as raised:
        await world.checkins.press_consent(rest, member.user_id, server_id=server_id)
    assert raised.value.message == message
    assert (await world.services.consent.get(GUILD, member.pseudonym)).checkins is None
