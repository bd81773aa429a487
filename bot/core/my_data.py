"""/mydata: the file of everything kept about her, and a plain-language summary of it.

The summary is built from the very rows that go into the file (one read), and says only what is
about her: her alias, her groups, her check-ins, her consent choices and how many records of each
kind are kept. Rows that merely mention her (a moderator's action on someone else, say) are counted,
never described, so nothing about another member ever appears in the message.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.core.data_rights import DataRights
from bot.core.groups import GroupService
from bot.core.notify import Note

FILENAME = "my-peer-support-data.json"
INTRO = ("Here is what the bot keeps about you in this server. The attached file has every detail. "
         "The words of your posts are never stored, and nothing here is about anyone else.")
# Tables the summary describes line by line; every other table is counted under "other records".
_DESCRIBED = frozenset({"aliases", "group_members", "checkins", "scores", "consents", "consent_events",
                        "checkin_prefs", "member_regions", "baby_weeks", "relayed_posts", "flags"})
_CONSENT = {1: "yes", 0: "no", None: "not answered yet"}


@dataclass(frozen=True)
class MyData:
    """What /mydata sends her: the summary text and the JSON file."""

    summary: str
    payload: bytes
    filename: str = FILENAME

    @property
    def note(self) -> Note:
        return Note(self.summary)


async def my_data(data_rights: DataRights, groups: GroupService, guild_id: int, pseudonym: str) -> MyData:
    """Her data file and its summary, from one read of her rows."""
    payload = await data_rights.export_json(guild_id, pseudonym)
    tables = json.loads(payload)["tables"]
    names = {group.id: group.name for group in await groups.list(guild_id, include_archived=True)}
    return MyData(summarise(tables, pseudonym, names), payload)


def _day(value: Any) -> str:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return f"{moment.day} {moment:%B %Y}"


def _hers(rows: Sequence[Mapping[str, Any]], pseudonym: str) -> list[Mapping[str, Any]]:
    return [row for row in rows if row.get("pseudonym") == pseudonym]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _settings(tables: Mapping[str, Sequence[Mapping[str, Any]]], pseudonym: str) -> list[str]:
    """Her own settings: check-in preferences and her crisis-resource region, when she set them."""
    lines = []
    prefs = _hers(tables.get("checkin_prefs", ()), pseudonym)
    if prefs:
        pref = prefs[0]
        parts = [f"time zone {pref.get('timezone') or 'the server’s'}"]
        if pref.get("quiet_start") and pref.get("quiet_end"):
            parts.append(f"quiet hours {pref['quiet_start']}–{pref['quiet_end']}")
        if pref.get("paused"):
            parts.append("check-ins paused")
        lines.append(f"• Your check-in settings: {', '.join(parts)}.")
    babies = _hers(tables.get("baby_weeks", ()), pseudonym)
    if babies:
        verb = "born" if babies[0]["kind"] == "born" else "due"
        lines.append(f"• Your baby's week (for check-ins timed from the birth): {verb} in the week of "
                     f"{_day(babies[0]['week'])}; only the week, never the day.")
    regions = _hers(tables.get("member_regions", ()), pseudonym)
    if regions:
        lines.append(f"• Your crisis-resource region: {regions[0]['region']} "
                     "(your choice; otherwise the server’s is used).")
    return lines


def summarise(tables: Mapping[str, Sequence[Mapping[str, Any]]], pseudonym: str,
              group_names: Mapping[int, str]) -> str:
    """Plain sentences about her rows (``tables`` as in the /mydata file)."""
    lines = [INTRO, ""]
    aliases = _hers(tables.get("aliases", ()), pseudonym)
    if aliases:
        alias = aliases[0]
        lines.append(f"• Your alias: {alias['alias']} (since {_day(alias['alias_changed_at'])}).")
    else:
        lines.append("• You have no alias here yet.")

    memberships = _hers(tables.get("group_members", ()), pseudonym)
    if memberships:
        joined = ", ".join(f"{group_names.get(row['group_id'], 'a group that no longer exists')} "
                           f"(joined {_day(row['joined_at'])})" for row in memberships)
        lines.append(f"• Your groups: {joined}.")
    else:
        lines.append("• You are not in any group.")

    checkins = _hers(tables.get("checkins", ()), pseudonym)
    scores = _hers(tables.get("scores", ()), pseudonym)
    if checkins or scores:
        states = [row.get("state") for row in checkins]
        answered = states.count("completed")
        waiting = states.count("pending") + states.count("sent")
        not_answered = states.count("missed") + states.count("skipped")
        lines.append(f"• Check-ins: {answered} answered, {not_answered} not answered, {waiting} waiting; "
                     f"{_plural(len(scores), 'score')} kept with your answers.")
    else:
        lines.append("• Check-ins: none sent to you or answered yet.")

    consents = _hers(tables.get("consents", ()), pseudonym)
    consent = consents[0] if consents else {}
    changes = len(_hers(tables.get("consent_events", ()), pseudonym))
    lines.append(f"• Your consent choices: check-ins {_CONSENT.get(consent.get('checkins'), 'not answered yet')}, "
                 f"anonymous research {_CONSENT.get(consent.get('research'), 'not answered yet')}"
                 + (f" ({_plural(changes, 'choice')} recorded)." if changes else "."))

    lines.extend(_settings(tables, pseudonym))

    posts = _hers(tables.get("relayed_posts", ()), pseudonym)
    lines.append(f"• Posts shared through the bot: {len(posts)} (when and where only, not the words).")
    flags = _hers(tables.get("flags", ()), pseudonym)
    if flags:
        lines.append(f"• Notes to moderators about your safety or your posts: {len(flags)}.")

    other = sum(len(rows) for table, rows in tables.items() if table not in _DESCRIBED)
    other += sum(len(rows) - len(_hers(rows, pseudonym)) for table, rows in tables.items() if table in _DESCRIBED)
    if other:
        lines.append(f"• Other records that mention you (such as moderation logs): {other}.")
    lines.append("")
    lines.append("You can erase all of this with /forget-me.")
    return "\n".join(lines)
