"""Check-in button ids: built and read here only, so the bot and the sandbox understand them alike.

All under the "ci" prefix, far below Discord's 100-character limit:
  ci:<checkin>:<item>:<position>   answer item <item> with option <position> (0-based)
  ci:<checkin>:<item>:back         go back from item <item> to the one before
  ci:<checkin>:<item>:pause        pause at item <item>
  ci:<checkin>:go                  continue where she left off
Adapters route on the prefix and pass the rest (after "ci:") to `parse_checkin_choice`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.core.errors import UserError

PREFIX = "ci"
UNKNOWN_BUTTON = "This button isn't recognised any more. Please run /checkin now in your server. 💛"

CheckinAction = Literal["answer", "back", "pause", "go"]

# ASCII digits only (str.isdigit also accepts "²", which int() refuses), and short enough for SQLite.
_ID = r"([0-9]{1,18})"
_SMALL = r"([0-9]{1,6})"
_PATTERNS: tuple[tuple[re.Pattern[str], CheckinAction], ...] = (
    (re.compile(rf"{_ID}:go"), "go"),
    (re.compile(rf"{_ID}:{_SMALL}:back"), "back"),
    (re.compile(rf"{_ID}:{_SMALL}:pause"), "pause"),
    (re.compile(rf"{_ID}:{_SMALL}:{_SMALL}"), "answer"),
)


@dataclass(frozen=True)
class CheckinChoice:
    """One pressed check-in button. `item` is None only for "go"; `position` is set only for "answer"."""

    checkin_id: int
    action: CheckinAction
    item: int | None = None
    position: int | None = None


def answer_id(checkin_id: int, item: int, position: int) -> str:
    return f"{PREFIX}:{checkin_id}:{item}:{position}"


def back_id(checkin_id: int, item: int) -> str:
    return f"{PREFIX}:{checkin_id}:{item}:back"


def pause_id(checkin_id: int, item: int) -> str:
    return f"{PREFIX}:{checkin_id}:{item}:pause"


def continue_id(checkin_id: int) -> str:
    return f"{PREFIX}:{checkin_id}:go"


def parse_checkin_choice(rest: str) -> CheckinChoice:
    """The id after "ci:" as a CheckinChoice; anything else is a kind UserError."""
    for pattern, action in _PATTERNS:
        match = pattern.fullmatch(rest)
        if match is None:
            continue
        numbers = [int(group) for group in match.groups()]
        return CheckinChoice(numbers[0], action, *numbers[1:])
    raise UserError(UNKNOWN_BUTTON)
