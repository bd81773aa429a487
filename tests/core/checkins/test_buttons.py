"""Check-in button ids: what `buttons.py` builds it reads back, anything else is a kind refusal."""

from datetime import UTC, datetime

import pytest

from bot.core.checkins import buttons, messages
from bot.core.checkins.buttons import UNKNOWN_BUTTON, CheckinChoice, parse_checkin_choice
from bot.core.errors import UserError

MONDAY_19 = datetime(2026, 3, 2, 19, tzinfo=UTC)


@pytest.mark.parametrize(
    ("rest", "expected"),
    [
        ("5:go", CheckinChoice(5, "go")),
        ("5:3:back", CheckinChoice(5, "back", 3)),
        ("5:3:pause", CheckinChoice(5, "pause", 3)),
        ("5:1:0", CheckinChoice(5, "answer", 1, 0)),
        ("123456789:9:3", CheckinChoice(123456789, "answer", 9, 3)),
    ],
)
def test_valid_ids_parse(rest: str, expected: CheckinChoice) -> None:
    assert parse_checkin_choice(rest) == expected


@pytest.mark.parametrize(
    "rest",
    [
        "", "5", "x:1:0", "5:1:maybe", "5:go:now", "5:1", "5:1:0:0", "-5:1:0", "5:-1:0", "5: 1:0", "5:1:0 ",
        "5:1:0\n", "²:1:0", "5:²:0", "5:1:٣", "5::0", ":go", "5:GO", "5:1:Back", "1" * 19 + ":go", "5:1:" + "9" * 7,
        "ci:5:go",
    ],
)
def test_malformed_ids_are_a_kind_user_error(rest: str) -> None:
    with pytest.raises(UserError) as raised:
        parse_checkin_choice(rest)
    assert raised.value.message == UNKNOWN_BUTTON


def test_every_id_a_note_carries_parses_back_to_its_own_step() -> None:
    assert parse_checkin_choice(buttons.continue_id(7).partition(":")[2]) == CheckinChoice(7, "go")
    assert parse_checkin_choice(buttons.back_id(7, 2).partition(":")[2]) == CheckinChoice(7, "back", 2)
    assert parse_checkin_choice(buttons.pause_id(7, 2).partition(":")[2]) == CheckinChoice(7, "pause", 2)
    assert parse_checkin_choice(buttons.answer_id(7, 2, 3).partition(":")[2]) == CheckinChoice(7, "answer", 2, 3)
    assert all(built.startswith(f"{buttons.PREFIX}:") for built in
               (buttons.continue_id(7), buttons.back_id(7, 2), buttons.pause_id(7, 2), buttons.answer_id(7, 2, 3)))


async def test_item_note_buttons_all_parse(world) -> None:
    note = messages.item_note(41, world.services.instruments["phq9"], 2)
    parsed = [parse_checkin_choice(choice.id.partition(":")[2]) for choice in note.choices]
    assert [p.action for p in parsed] == ["answer"] * 4 + ["back", "pause"]
    assert {(p.checkin_id, p.item) for p in parsed} == {(41, 2)}
    assert [p.position for p in parsed[:4]] == [0, 1, 2, 3]


# -- SessionService.press: the whole step from the raw id, as both adapters call it --------------------


async def _started(world):
    await world.schedule()
    await world.move_to(MONDAY_19)
    member = world.members[0]
    return member, await world.open_id(member)


async def test_press_answers_goes_back_pauses_and_continues(world) -> None:
    member, checkin_id = await _started(world)
    sessions = world.checkins.sessions
    step = await sessions.press(f"{checkin_id}:1:2", member.user_id, world.notifier)
    assert "2 of 9" in step.notes[-1].text
    step = await sessions.press(f"{checkin_id}:2:back", member.user_id, world.notifier)
    assert "1 of 9" in step.notes[-1].text
    step = await sessions.press(f"{checkin_id}:1:pause", member.user_id, world.notifier)
    assert step.notes[0].text.startswith("Paused.")
    assert [c.id for c in step.notes[0].choices] == [buttons.continue_id(checkin_id)]
    step = await sessions.press(f"{checkin_id}:go", member.user_id, world.notifier)
    assert "1 of 9" in step.notes[-1].text
    rows = await world.rows()
    assert rows[0]["answers"] == "[]"


async def test_press_completes_with_the_result(world) -> None:
    member, checkin_id = await _started(world)
    step = None
    for item in range(1, 10):
        step = await world.checkins.sessions.press(f"{checkin_id}:{item}:0", member.user_id, world.notifier)
    assert step is not None and step.completed and "Thank you for checking in" in step.notes[-1].text


@pytest.mark.parametrize("rest", ["{id}:1:maybe", "{id}", "x:1:0", "{id}:go:now"])
async def test_press_refuses_malformed_ids_before_touching_anything(world, rest: str) -> None:
    member, checkin_id = await _started(world)
    with pytest.raises(UserError, match="isn't recognised"):
        await world.checkins.sessions.press(rest.format(id=checkin_id), member.user_id, world.notifier)
    assert (await world.rows())[0]["answers"] == "[]"


async def test_press_on_someone_elses_checkin_is_refused(world) -> None:
    _, checkin_id = await _started(world)
    other = world.members[1]
    with pytest.raises(UserError, match="can't find that check-in"):
        await world.checkins.sessions.press(f"{checkin_id}:1:0", other.user_id, world.notifier)
