"""A member's two separate consents: to receive check-ins, and to research use of her scores.

Both are stored by pseudonym with the time of the last change, every change is kept in
`consent_events`, and both can be withdrawn at any time. Nothing is assumed: "not asked yet" is
its own state, and no questionnaire is sent before she says yes to check-ins. A member who never
answers is asked once (with her first check-in) and reminded once; after that her check-ins are
recorded as skipped ("consent not answered") until she says yes with /consent.

Consent button ids are `consent:<guild>:<checkins|research>:<yes|no>`, built by `consent_choice`
and read back by `parse_consent_choice`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.clock import Clock
from bot.core.errors import UserError
from bot.core.notify import Choice, Note
from bot.store import Database
from bot.store.consent_repo import ConsentRepository

ConsentKind = Literal["checkins", "research"]
KINDS: tuple[ConsentKind, ...] = ("checkins", "research")
CONSENT_PREFIX = "consent"
UNKNOWN_CONSENT_BUTTON = "This button isn't recognised any more. Please use /consent. 💛"
OTHER_SERVER_BUTTON = "This button belongs to another server. Please use /consent here. 💛"
# ASCII digits only (str.isdigit also accepts "²"), and no longer than a Discord snowflake.
_CONSENT_ID = re.compile(rf"([0-9]{{1,19}}):({'|'.join(KINDS)}):(yes|no)")

ABOUT_CHECKINS = (
    "**Check-ins** are short questionnaires your group runs now and then, sent to you privately. "
    "Only you see your answers and your score. Moderators see only whether check-ins were done, "
    "except that if an answer suggests you might be in danger, a moderator is told so someone can check in on you."
)
ABOUT_RESEARCH = (
    "**Research use** means your scores may be included in anonymised research summaries: no alias, "
    "no Discord name, dates rounded to the week, and never in a group so small that someone could be recognised."
)


@dataclass(frozen=True)
class Consent:
    checkins: bool | None
    checkins_changed_at: datetime | None
    research: bool | None
    research_changed_at: datetime | None
    checkins_asked_at: datetime | None = None  # when the check-in consent request first reached her

    def given(self, kind: ConsentKind) -> bool | None:
        return self.checkins if kind == "checkins" else self.research

    @property
    def checkins_unanswered(self) -> bool:
        """She was asked for check-in consent (and reminded) and has not answered: not asked again."""
        return self.checkins is None and self.checkins_asked_at is not None


NOT_ASKED = Consent(None, None, None, None)


def consent_choice(guild_id: int, kind: ConsentKind, give: bool, label: str) -> Choice:
    return Choice(f"{CONSENT_PREFIX}:{guild_id}:{kind}:{'yes' if give else 'no'}", label,
                  "success" if give else "secondary")


@dataclass(frozen=True)
class ConsentChoice:
    """One pressed consent button: her answer about one kind of consent in one server."""

    guild_id: int
    kind: ConsentKind
    given: bool


def parse_consent_choice(rest: str) -> ConsentChoice:
    """The id after "consent:" as a ConsentChoice; anything else is a kind UserError."""
    match = _CONSENT_ID.fullmatch(rest)
    if match is None or int(match[1]) >= 2**63:
        raise UserError(UNKNOWN_CONSENT_BUTTON)
    return ConsentChoice(int(match[1]), KINDS[KINDS.index(match[2])], match[3] == "yes")


def _state_line(label: str, given: bool | None, changed: datetime | None) -> str:
    if given is None:
        return f"• {label}: not chosen yet"
    when = f" (since {changed:%d %b %Y})" if changed else ""
    return f"• {label}: {'✅ yes' if given else '⏸️ no'}{when}"


def render_consent(guild_id: int, consent: Consent, *, intro: str = "") -> Note:
    """Both consents, what they mean, and a button to change each one."""
    lines = [intro] if intro else []
    lines += [
        "**Your choices** (change them any time with /consent)",
        _state_line("Check-ins", consent.checkins, consent.checkins_changed_at),
        _state_line("Anonymised research use of my scores", consent.research, consent.research_changed_at),
        "",
        ABOUT_CHECKINS,
        ABOUT_RESEARCH,
    ]
    choices: list[Choice] = []
    if consent.checkins is not True:
        choices.append(consent_choice(guild_id, "checkins", True, "Yes, send me check-ins"))
    if consent.checkins is not False:
        choices.append(consent_choice(guild_id, "checkins", False,
                                      "No check-ins" if consent.checkins is None else "Stop check-ins"))
    if consent.research is not True:
        choices.append(consent_choice(guild_id, "research", True, "Yes to research use"))
    if consent.research is not False:
        choices.append(consent_choice(guild_id, "research", False,
                                      "No research use" if consent.research is None else "Stop research use"))
    return Note("\n".join(lines), tuple(choices))


class ConsentService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._repo = ConsentRepository(db)
        self._clock = clock

    async def get(self, guild_id: int, pseudonym: str) -> Consent:
        row = await self._repo.get(guild_id, pseudonym)
        if row is None:
            return NOT_ASKED
        return Consent(row.checkins, row.checkins_changed_at, row.research, row.research_changed_at,
                       row.checkins_asked_at)

    async def declined_checkins(self, guild_id: int) -> set[str]:
        """Everyone in the server who said no to check-ins, in one query (the planner skips them)."""
        return await self._repo.declined_checkins(guild_id)

    async def unanswered_checkins(self, guild_id: int) -> set[str]:
        """Everyone in the server asked for check-in consent who has not answered (the planner skips them)."""
        return await self._repo.unanswered_checkins(guild_id)

    async def mark_checkins_asked(self, guild_id: int, pseudonym: str) -> None:
        """The check-in consent request reached her: she is asked once (and reminded once), not every period."""
        await self._repo.mark_checkins_asked(guild_id, pseudonym, self._clock.now())

    async def set(self, guild_id: int, pseudonym: str, kind: ConsentKind, given: bool) -> tuple[Consent, bool]:
        """Record her choice. Returns the new state and whether it changed anything."""
        if kind not in KINDS:
            raise ValueError(kind)
        current = await self.get(guild_id, pseudonym)
        if current.given(kind) is given:
            return current, False
        await self._repo.record(guild_id, pseudonym, kind, given, self._clock.now())
        return await self.get(guild_id, pseudonym), True
