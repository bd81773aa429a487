"""Reading what a member types into /checkin baby (pure functions, no I/O).

She may say when her baby was born or is due, in words a person would use on a phone; only the week
is kept (the Monday of its ISO week). Accepted (any case; "born"/"due" may lead, and decide which it
is when given):

- a date: 2026-11-03, 3 Nov, 3rd November, Nov 3, 3 Nov 2026, November 3rd 2026
- relative words: today, yesterday, this week, last week, next week
- amounts: 3 weeks ago, 10 days ago, 2 months ago, a week ago, in 5 weeks, due in 5 weeks, 5 weeks from now
- clear, forget, remove or delete: stop keeping it

Without "born" or "due", a week still to come is a due week and any other a birth week. "3 weeks"
alone needs "ago" or "in" (or "born"/"due") to say which way. Slash dates such as 3/11 are refused
kindly (day and month are read in different orders in different countries). Every refusal is a kind
UserError that names examples.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from bot.core.errors import UserError

MAX_WEEKS_BACK = 104  # about two years after birth
MAX_WEEKS_AHEAD = 42  # a due date at most 42 weeks ahead
EXAMPLES = "“3 weeks ago”, “born 3 Nov”, “2026-11-03”, “due in 5 weeks” or “due 20 Jan”"
CLEAR_WORDS = ("clear", "forget", "remove", "delete", "none", "off")

_KIND_WORDS = (("was born", "born"), ("baby born", "born"), ("born on", "born"), ("born in", "born"),
               ("born", "born"), ("birth", "born"), ("due date", "due"), ("due on", "due"), ("due in", "due"),
               ("due", "due"), ("edd", "due"))
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30}
_RELATIVE_DAYS = {"today": 0, "this week": 0, "now": 0, "yesterday": -1, "tomorrow": 1, "last week": -7,
                  "next week": 7}
_AMOUNT = re.compile(r"^(in\s+)?(\d{1,3}|[a-z]+)\s+(day|week|month)s?(\s+ago|\s+from\s+now|\s+time)?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DAY_MONTH = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([a-z]+)(?:\s+(\d{4}))?$")
_MONTH_DAY = re.compile(r"^([a-z]+)\s+(\d{1,2})(?:st|nd|rd|th)?(?:\s+(\d{4}))?$")


@dataclass(frozen=True)
class BabyWeekInput:
    """What she typed, read: the Monday of the week and whether it is the birth week or the due week."""

    week: date
    kind: str  # "born" or "due"


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _month(word: str) -> int | None:
    word = word.rstrip(".")
    for number in range(1, 13):
        if word in (calendar.month_name[number].lower(), calendar.month_abbr[number].lower()):
            return number
    return 9 if word == "sept" else None


def _cleaned(text: str) -> str:
    return " ".join(text.strip().lower().replace(",", " ").replace(":", " ").split()).rstrip(".!")


def _kind_and_rest(cleaned: str) -> tuple[str | None, str]:
    for words, kind in _KIND_WORDS:
        if cleaned == words:
            return kind, ""
        if cleaned.startswith(words + " "):
            rest = cleaned[len(words) + 1:].strip()
            if words in ("due in", "born in") and _AMOUNT.match("in " + rest):
                rest = "in " + rest  # "due in 5 weeks": the "in" says which way
            return kind, _week_of(rest)
    return None, _week_of(cleaned)


def _week_of(rest: str) -> str:
    """"the week of 3 Nov", "week of 3 Nov", "on 3 Nov", ": 3 Nov" → "3 Nov"."""
    for prefix in ("on ", "the ", "week of ", "w/c ", "wc "):
        rest = rest.removeprefix(prefix).strip()
    return rest


def _date_on(day: int, month: int, year: int | None, kind: str | None, today: date, shown: str) -> date:
    def make(y: int) -> date | None:
        try:
            return date(y, month, day)
        except ValueError:
            return None

    if year is not None:
        found = make(year)
        if found is None:
            raise UserError(f"“{shown}” isn't a date in the calendar. 💛 Nothing was changed.")
        return found
    candidates = [d for y in (today.year - 2, today.year - 1, today.year, today.year + 1) if (d := make(y))]
    if not candidates:
        raise UserError(f"“{shown}” isn't a date in the calendar. 💛 Nothing was changed.")
    if kind == "born":
        past = [d for d in candidates if monday_of(d) <= monday_of(today)]
        return max(past) if past else min(candidates)
    return min(candidates, key=lambda d: (abs((d - today).days), d))


def _read_day(rest: str, kind: str | None, today: date, shown: str) -> date:
    if rest in _RELATIVE_DAYS:
        return today + timedelta(days=_RELATIVE_DAYS[rest])
    amount = _AMOUNT.match(rest)
    if amount:
        into, count, unit, direction = amount.groups()
        number = int(count) if count.isdigit() else _NUMBER_WORDS.get(count)
        if number is None:
            raise UserError(f"I couldn't read “{shown}”. 💛 Nothing was changed. You could write {EXAMPLES}.")
        days = number * _UNIT_DAYS[unit]
        ago = (direction or "").strip() == "ago"
        ahead = bool(into) or (direction or "").strip() in ("from now", "time")
        if not ago and not ahead:
            if kind is None:
                raise UserError(f"Is that {number} {unit}{'s' if number != 1 else ''} ago, or in {number} "
                                f"{unit}{'s' if number != 1 else ''}? 💛 Nothing was changed. Try “born {rest} ago” "
                                f"or “due in {rest}”.")
            ago = kind == "born"
        return today - timedelta(days=days) if ago else today + timedelta(days=days)
    iso = _ISO.match(rest)
    if iso:
        try:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        except ValueError:
            raise UserError(f"“{shown}” isn't a date in the calendar. 💛 Nothing was changed.") from None
    for pattern, day_group, month_group in ((_DAY_MONTH, 1, 2), (_MONTH_DAY, 2, 1)):
        found = pattern.match(rest)
        if found and (month := _month(found.group(month_group))) is not None:
            year = int(found.group(3)) if found.group(3) else None
            return _date_on(int(found.group(day_group)), month, year, kind, today, shown)
    if "/" in rest:
        raise UserError("Please write the month as a word, like “3 Nov”, or the date as 2026-11-03 "
                        "(3/11 means different days in different countries). 💛 Nothing was changed.")
    raise UserError(f"I couldn't read “{shown}” as a week. 💛 Nothing was changed. You could write {EXAMPLES}.")


def parse_baby_week(text: str, today: date) -> BabyWeekInput | None:
    """What she typed → the week and whether her baby was born then or is due then; None means "clear"
    (stop keeping it). `today` is her own local date. Impossible weeks get a kind UserError."""
    shown = " ".join(text.strip().split())[:40]
    cleaned = _cleaned(text)
    if cleaned in CLEAR_WORDS:
        return None
    if not cleaned:
        raise UserError(f"Tell me when your baby was born or is due, like {EXAMPLES}.")
    kind, rest = _kind_and_rest(cleaned)
    if not rest:
        raise UserError(f"When? 💛 You could write {EXAMPLES}.")
    week = monday_of(_read_day(rest, kind, today, shown))
    this_week = monday_of(today)
    if kind is None:
        kind = "due" if week > this_week else "born"
    if kind == "born" and week > this_week:
        raise UserError("That week is still to come. 💛 If your baby isn't born yet, write it as a due date, like "
                        "“due in 5 weeks”. Nothing was changed.")
    if (this_week - week).days > MAX_WEEKS_BACK * 7:
        raise UserError("Birth-timed check-ins cover the first two years, so I can only keep a week from the last "
                        "two years. 💛 Nothing was changed.")
    if (week - this_week).days > MAX_WEEKS_AHEAD * 7:
        raise UserError(f"A due date can be at most {MAX_WEEKS_AHEAD} weeks ahead. 💛 Please check it; nothing "
                        "was changed.")
    return BabyWeekInput(week, kind)
