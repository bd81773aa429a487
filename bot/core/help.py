"""/help: what the bot can do, in plain words, built from the commands that are really registered.

The adapter passes the command names and descriptions it has (so the list never goes stale) and whether
the person sees the moderators' part; the wording and the order live here, once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from bot.core.notify import Note

Audience = Literal["member", "moderator", "admin"]
LIMIT = 2000

MEMBER_INTRO = (
    "**What I can do for you** 💛\n"
    "This is a place to talk with other mums who understand. In the groups you are known only by an alias, "
    "never your name, and everything below answers only you unless it says otherwise."
)
MEMBER_OUTRO = (
    "You can also send me a direct message to share in your group. If things feel like too much right now, "
    "please reach out to your local emergency number or a crisis line: you don't have to wait for a command."
)
MODERATOR_INTRO = (
    "**For moderators**\nYou see this part because you can moderate here. Members never see who used these."
)
ADMIN_INTRO = "**For server admins** (needs Manage Server)"
MENU_HOW = "long-press or right-click a message, then Apps"


@dataclass(frozen=True)
class CommandInfo:
    """One registered command: `name` as typed after the slash ("checkin settings"), or a message menu's
    name with `menu=True`."""

    name: str
    description: str
    audience: Audience = "member"
    menu: bool = False


def _line(command: CommandInfo) -> str:
    if command.menu:
        return f"**{command.name}** ({MENU_HOW})" + (f": {command.description}" if command.description else "")
    return f"**/{command.name}**: {command.description}"


def _section(heading: str, commands: Iterable[CommandInfo]) -> list[str]:
    ordered = sorted(commands, key=lambda c: (c.menu, c.name))
    return [heading, *(_line(c) for c in ordered)] if ordered else []


def help_text(commands: Iterable[CommandInfo], *, moderator: bool) -> str:
    """The whole help: the members' part always, the moderators' and admins' parts only for moderators."""
    commands = [c for c in commands if c.name != "help"]
    blocks = ["\n".join([MEMBER_INTRO, "", *(_line(c) for c in sorted(
        (c for c in commands if c.audience == "member"), key=lambda c: (c.menu, c.name)))]), MEMBER_OUTRO]
    if moderator:
        for heading, audience in ((MODERATOR_INTRO, "moderator"), (ADMIN_INTRO, "admin")):
            section = _section(heading, (c for c in commands if c.audience == audience))
            if section:
                blocks.append("\n".join(section))
    return "\n\n".join(blocks)


def help_notes(commands: Iterable[CommandInfo], *, moderator: bool, limit: int = LIMIT) -> list[Note]:
    """The help as messages of at most `limit` characters, split between lines (never mid-line)."""
    pages: list[str] = []
    current = ""
    for line in help_text(commands, moderator=moderator).split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit and current:
            pages.append(current.rstrip("\n"))
            current = line
        else:
            current = candidate
    if current.strip():
        pages.append(current.rstrip("\n"))
    return [Note(page) for page in pages]
