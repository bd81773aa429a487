"""Everything a member sees during a check-in, as Notes (the Discord bot and the sandbox show the same text).

The buttons' ids are built and parsed in `buttons.py`.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.core.checkins.buttons import answer_id, back_id, continue_id, pause_id
from bot.core.instruments import Instrument, ScoreResult
from bot.core.notify import Choice, Note

MAX_LABEL = 80
TRENDS_POINTER = "/mytrends shows how your check-ins change over time."


def _label(text: str | None, fallback: str) -> str:
    text = (text or fallback).strip()
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def continue_choice(checkin_id: int) -> Choice:
    return Choice(continue_id(checkin_id), "Continue", "primary")


def local_time(moment: datetime, timezone: str) -> str:
    """Plain text in her own time zone ("Thu 5 Mar, 19:00"), the same on Discord and in the sandbox."""
    local = moment.astimezone(ZoneInfo(timezone))
    return f"{local:%a} {local.day} {local:%b}, {local:%H:%M}"


def item_note(checkin_id: int, instrument: Instrument, item_number: int, *, group_name: str = "",
              first: bool = False) -> Note:
    """One item: progress line, the recall window, the question, a button per option, back and pause."""
    item = instrument.item(item_number)
    lines: list[str] = []
    if first:
        where = f" from “{group_name}”" if group_name else ""
        lines.append(f"Hi 💛 Here is your check-in{where}: {len(instrument.items)} short questions, a couple of "
                     "minutes. Tap the answer that fits best; you can go back or pause at any time.")
        lines.append("")
    lines.append(f"**{instrument.short_name}** · {item_number} of {len(instrument.items)}")
    lines.append(f"_{instrument.recall}_")
    lines.append(f"**{item.text}**")
    choices = [
        Choice(answer_id(checkin_id, item_number, position), _label(option.label, f"Option {position + 1}"),
               "primary")
        for position, option in enumerate(item.options)
    ]
    if item_number > 1:
        choices.append(Choice(back_id(checkin_id, item_number), "◀ Back"))
    choices.append(Choice(pause_id(checkin_id, item_number), "Pause"))
    return Note("\n".join(lines), tuple(choices))


def score_range(instrument: Instrument) -> tuple[float, float]:
    lows = [min(item.scored_value(p) for p in range(len(item.options))) for item in instrument.items]
    highs = [max(item.scored_value(p) for p in range(len(item.options))) for item in instrument.items]
    if instrument.scoring == "sum":
        return sum(lows), sum(highs)
    return min(lows), max(highs)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0").rstrip(".")


def result_note(instrument: Instrument, result: ScoreResult) -> Note:
    """Her result in plain, kind words: the band, never a diagnosis."""
    low, high = score_range(instrument)
    if instrument.scoring == "sum":
        score = f"{_number(result.total)} out of {_number(high)}"
    else:
        score = f"{_number(result.total)} on a scale from {_number(low)} to {_number(high)}"
    lines = [
        "Thank you for checking in. 💛",
        f"Your {instrument.short_name} score is {score}.",
        result.band_description,
        "",
        TRENDS_POINTER,
    ]
    return Note("\n".join(lines))


def safety_note(resources_text: str, *, continuing: bool, moderators_told: bool) -> Note:
    """Shown at once when an answer fires a safety rule, before the questionnaire goes on. It says a
    moderator will check in only when the alert really reached someone."""
    told = " a moderator will check in with you soon." if moderators_told else " please reach out to someone today."
    lines = [
        f"Thank you for telling me. 💛 You don't have to carry this on your own:{told}",
        "If you want to talk to someone now, these are free and confidential:",
        resources_text,
    ]
    if continuing:
        lines += ["", "You can carry on with the check-in below whenever you're ready, or pause it."]
    return Note("\n".join(lines))


def paused_note(checkin_id: int, expires_at: datetime | None, timezone: str) -> Note:
    until = f" It stays open until {local_time(expires_at, timezone)}." if expires_at else ""
    return Note(f"Paused. Your answers so far are saved.{until} Tap Continue or run /checkin now whenever you're "
                "ready. 💛", (continue_choice(checkin_id),))


def checkin_name(instrument: Instrument) -> str:
    """“PHQ-9 check-in”, but “Connection check-in” (never “Connection check-in check-in”)."""
    name = instrument.short_name
    return name if name.casefold().endswith("check-in") else f"{name} check-in"


def reminder_note(checkin_id: int, instrument: Instrument, expires_at: datetime | None, timezone: str) -> Note:
    until = f" It's open until {local_time(expires_at, timezone)}." if expires_at else ""
    return Note(f"A gentle reminder: your {checkin_name(instrument)} is still waiting for you.{until} "
                "No pressure; skip it if now isn't a good time. 💛", (continue_choice(checkin_id),))


DM_CLOSED = Note("I couldn't send you a direct message (your DMs from this server seem to be closed), so here it "
                 "is, just for you: only you can see these messages. Next time, run /checkin now here in the "
                 "server and answer privately. 💛")
SENT_TO_DMS = Note("I've sent your check-in to your direct messages. 💛")
# Shown once, privately, the next time she uses the bot in the server after a check-in's DM failed.
WAITING_HERE = Note("A check-in is waiting for you: use /checkin now to take it here, privately. 💛")


def consent_intro(group_name: str, instrument: Instrument, *, reminder: bool = False) -> str:
    greeting = "A gentle reminder 💛" if reminder else "Hi 💛"
    return (f"{greeting} Your group “{group_name}” has a short {checkin_name(instrument)} "
            f"({len(instrument.items)} questions). Before I send you one, I'd like your OK.")


NOTHING_DUE = Note("You have no check-in waiting right now. 💛 The next one comes with your group's schedule.")


def scheduled_note(schedule_id: int, short_name: str, description: str, first: datetime, timezone: str) -> Note:
    """What a moderator is told after /checkins schedule."""
    return Note(f"Scheduled #{schedule_id}: {short_name} for this group, {description}. The first goes out "
                f"{local_time(first, timezone)}. Members are asked for consent before their first one.")


def birth_scheduled_note(schedule_id: int, short_name: str, description: str) -> Note:
    """What a moderator is told after scheduling a birth-anchored questionnaire (postnatal:2,6,12)."""
    return Note(f"Scheduled #{schedule_id}: {short_name} for this group, {description}. It goes only to members "
                "who have told the bot their baby's birth week or due week (/checkin baby), each at her own weeks; "
                "members without one get nothing and are not counted as missed. Weeks that passed before today "
                "are not sent. Members are asked for consent before their first one.")


def cancelled_note(schedule_id: int) -> Note:
    return Note(f"Schedule #{schedule_id} is cancelled. Check-ins already sent can still be finished.")


def awaiting_consent_lines(waiting: list[tuple[str, str, int]]) -> str:
    """For /checkins status: per group and questionnaire, check-ins not sent because the member hasn't answered
    the consent question ((group, questionnaire, count)); nothing when there are none."""
    if not waiting:
        return ""
    lines = ["", "**Waiting for a member's OK** (not sent, and not counted as missed: a member who hasn't answered "
             "the consent question is asked once and reminded once, and can say yes any time with /consent)"]
    lines += [f"• {group} · {short}: {count} check-in{'' if count == 1 else 's'}" for group, short, count in waiting]
    return "\n".join(lines)
