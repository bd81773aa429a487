"""Reading sandbox lines: who acts, and what they do."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from datetime import timedelta

from bot.sandbox.world import MOD


class SandboxError(Exception):
    """A line the sandbox could not run (not a member's mistake, which the member is told about)."""


@dataclass(frozen=True)
class Action:
    person: str | None  # a member's name, "mod", or None for `wait`
    kind: str  # "post", "dm", "edit", "command", "answer", "press", "wait"
    command: str = ""
    args: tuple[str, ...] = ()
    text: str = ""
    number: int = 0
    delta: timedelta = timedelta(0)
    channel: str | None = None  # `as NAME #CHANNEL: TEXT`: the channel's name without "#"; None: her group


# `as NAME: …`, `as NAME #CHANNEL: …`, `as NAME dm: …`, `as NAME edit: …`, `mod: …` (the moderator's
# `mod #CHANNEL: …` / `mod dm: …` are read too, to be refused clearly).
_ACTOR = re.compile(
    r"^(?:as\s+(?P<name>[A-Za-z][\w-]{0,31})|(?P<mod>mod))"
    r"(?:\s+(?:#(?P<channel>[\w-]{1,100})|(?P<where>dm|edit)))?"
    r"\s*:\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_WAIT = re.compile(r"^wait\s+(?P<amount>\d+)\s*(?P<unit>s|m|h|d|w)$", re.IGNORECASE)
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_duration(amount: str, unit: str) -> timedelta:
    delta = timedelta(**{_UNITS[unit.lower()]: int(amount)})
    if delta > timedelta(days=400):
        raise SandboxError("wait at most 400 days at a time")
    return delta


def split_arguments(text: str) -> list[str]:
    """A command's words: whitespace separates them, double quotes group words with spaces
    ("Quiet Fern"). Everything else is literal: an apostrophe (don't, it's) or a backslash is text,
    and `#` is not a comment (`/share #14 …`)."""
    lexer = shlex.shlex(text, posix=True)
    lexer.whitespace_split = True
    lexer.commenters = ""
    lexer.quotes = '"'
    lexer.escape = ""
    try:
        return list(lexer)
    except ValueError as exc:
        raise SandboxError(f"could not read the command ({exc}; arguments with spaces go in double quotes)") from None


def parse_line(line: str) -> Action | None:
    """None for blank lines and comments; an Action otherwise; SandboxError when unreadable."""
    stripped = line.strip()
    if not stripped or stripped.startswith("#"):
        return None
    wait = _WAIT.match(stripped)
    if wait:
        return Action(None, "wait", delta=parse_duration(wait["amount"], wait["unit"]))
    if stripped.lower().startswith("wait"):
        raise SandboxError("wait needs a duration like 30m, 2h, 7d or 1w")
    actor = _ACTOR.match(stripped)
    if not actor:
        raise SandboxError("expected `as NAME: …`, `as NAME #CHANNEL: …`, `as NAME dm: …`, `as NAME edit: …`, "
                           "`mod: …`, `wait DURATION` or `# comment`")
    person = MOD if actor["mod"] else actor["name"]
    if person.lower() == MOD and actor["name"]:
        raise SandboxError("“mod” is the moderator: write `mod: …`")
    rest = actor["rest"].strip()
    if not rest:
        raise SandboxError("nothing to do after the colon")
    where = (actor["where"] or "").lower()
    if actor["channel"] is not None or where:
        return _words(person, where or "post", rest, actor["channel"])
    answer = re.fullmatch(r"(answer|press)\s+(\d+)", rest, re.IGNORECASE)
    if answer:
        return Action(person, answer[1].lower(), number=int(answer[2]))
    if rest.startswith("/"):
        words = split_arguments(rest[1:])
        if not words:
            raise SandboxError("a command name is needed after /")
        return Action(person, "command", command=words[0].lower(), args=tuple(words[1:]))
    return _words(person, "post", rest, None)


def _words(person: str, kind: str, text: str, channel: str | None) -> Action:
    """What a member writes: a post (in her group or #CHANNEL), a DM to the bot, or an edit. The text is
    taken exactly as written."""
    if person == MOD:
        raise SandboxError("the moderator runs commands (`mod: /mod flags`); members post with `as NAME: text`, "
                           "DM the bot with `as NAME dm: text` and edit with `as NAME edit: text`")
    if text.startswith("/"):
        place = f"#{channel}" if channel is not None else kind
        raise SandboxError(f"commands are run with `as {person}: /COMMAND`, not `as {person} {place}: …`")
    return Action(person, kind, text=text, channel=channel)
