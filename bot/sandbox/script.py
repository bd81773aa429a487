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
    kind: str  # "post", "command", "answer", "press", "wait"
    command: str = ""
    args: tuple[str, ...] = ()
    text: str = ""
    number: int = 0
    delta: timedelta = timedelta(0)


_ACTOR = re.compile(r"^(?:as\s+(?P<name>[A-Za-z][\w-]{0,31})|(?P<mod>mod))\s*:\s*(?P<rest>.*)$", re.IGNORECASE)
_WAIT = re.compile(r"^wait\s+(?P<amount>\d+)\s*(?P<unit>s|m|h|d|w)$", re.IGNORECASE)
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_duration(amount: str, unit: str) -> timedelta:
    delta = timedelta(**{_UNITS[unit.lower()]: int(amount)})
    if delta > timedelta(days=400):
        raise SandboxError("wait at most 400 days at a time")
    return delta


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
        raise SandboxError("expected `as NAME: …`, `mod: …`, `wait DURATION` or `# comment`")
    person = MOD if actor["mod"] else actor["name"]
    if person.lower() == MOD and actor["name"]:
        raise SandboxError("“mod” is the moderator: write `mod: …`")
    rest = actor["rest"].strip()
    if not rest:
        raise SandboxError("nothing to do after the colon")
    answer = re.fullmatch(r"(answer|press)\s+(\d+)", rest, re.IGNORECASE)
    if answer:
        return Action(person, answer[1].lower(), number=int(answer[2]))
    if rest.startswith("/"):
        try:
            words = shlex.split(rest[1:])
        except ValueError as exc:
            raise SandboxError(f"could not read the command ({exc})") from None
        if not words:
            raise SandboxError("a command name is needed after /")
        return Action(person, "command", command=words[0].lower(), args=tuple(words[1:]))
    if person == MOD:
        raise SandboxError("the moderator runs commands (`mod: /mod flags`); members post with `as NAME: text`")
    return Action(person, "post", text=rest)
