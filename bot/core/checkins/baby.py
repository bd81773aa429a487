"""/checkin baby: a member's baby's birth week or due week, given privately and optionally.

Only the week is kept (its Monday), never the day; /forget-me erases it and /mydata lists it. While
only a due week is known, birth-anchored check-ins ("postnatal:2,6,12") count from the due week until
she updates it. Setting it plans at once her latest birth-anchored check-in within the grace window
(bot/core/checkins/birth_planner.py), so a week that has just come is not lost; older ones are not sent.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.core.aliases import AliasService
from bot.core.checkins.baby_input import BabyWeekInput, monday_of, parse_baby_week
from bot.core.checkins.birth_planner import BirthPlanner
from bot.core.checkins.prefs import PrefsService
from bot.core.errors import UserError
from bot.core.guilds import GuildSettingsService
from bot.core.notify import Note
from bot.store import Database
from bot.store.baby_weeks_repo import BabyWeekRow, BabyWeeksRepository

HOW_TO = ("To change it: /checkin baby when: (like “born 3 Nov” or “due in 5 weeks”). To stop keeping it: "
          "/checkin baby when: clear.")
NOT_GIVEN = Note(
    "You haven't given your baby's week, and you don't have to. 💛 If you'd like check-ins timed from the "
    "birth (some groups have one at 6 weeks, say), tell me privately: /checkin baby when: 3 weeks ago, "
    "born 3 Nov, or due in 5 weeks. Only the week is kept, never the day, and /forget-me erases it."
)
CLEARED = Note("Done: the bot no longer keeps your baby's week, and check-ins timed from the birth won't come to "
               "you. 💛")
NOTHING_TO_CLEAR = Note("There was no baby week kept for you, so nothing changed. 💛")


def week_text(week: date) -> str:
    return f"Monday {week.day} {week:%B %Y}"


def _distance(week: date, today: date) -> str:
    weeks = (week - monday_of(today)).days // 7
    if weeks == 0:
        return "this week"
    if weeks < 0:
        return f"{-weeks} week{'s' if weeks != -1 else ''} ago"
    return f"in {weeks} week{'s' if weeks != 1 else ''}"


def describe(kind: str, week: date, today: date) -> str:
    """“Born in the week of Monday 2 November 2026 (4 weeks ago).”"""
    verb = "Born" if kind == "born" else "Due"
    return f"{verb} in the week of {week_text(week)} ({_distance(week, today)})."


def due_explained() -> str:
    return ("Until you tell me your baby has arrived, check-ins timed from the birth count from this due week. "
            "When your baby comes, /checkin baby when: born last week (or the date) updates it.")


class BabyWeeks:
    def __init__(self, db: Database, clock: Clock, aliases: AliasService, guilds: GuildSettingsService,
                 prefs: PrefsService, planner: BirthPlanner) -> None:
        self._repo = BabyWeeksRepository(db)
        self._clock = clock
        self._aliases = aliases
        self._guilds = guilds
        self._prefs = prefs
        self._planner = planner

    async def _today(self, guild_id: int, pseudonym: str) -> date:
        """Her own local date (her time zone, else the server's): "last week" is her last week."""
        zone = (await self._prefs.get(guild_id, pseudonym, (await self._guilds.get(guild_id)).timezone)).timezone
        return self._clock.now().astimezone(ZoneInfo(zone)).date()

    async def get(self, guild_id: int, pseudonym: str) -> BabyWeekRow | None:
        return await self._repo.get(guild_id, pseudonym)

    async def command(self, guild_id: int, user_id: int, text: str | None) -> Note:
        """`/checkin baby [when]`: show (nothing given), set, or clear ("clear") her baby's week."""
        pseudonym = self._aliases.pseudonym(guild_id, user_id)
        today = await self._today(guild_id, pseudonym)
        if text is None or not text.strip():
            current = await self._repo.get(guild_id, pseudonym)
            if current is None:
                return NOT_GIVEN
            lines = ["Your baby's week (only you can see this):", describe(current.kind, current.week, today)]
            if current.kind == "due":
                lines.append(due_explained())
            return Note("\n".join([*lines, "", HOW_TO]))
        parsed = parse_baby_week(text, today)
        if parsed is None:
            return CLEARED if await self._repo.clear(guild_id, pseudonym) else NOTHING_TO_CLEAR
        return await self.set(guild_id, pseudonym, parsed, today)

    async def set(self, guild_id: int, pseudonym: str, parsed: BabyWeekInput, today: date) -> Note:
        if await self._aliases.get(guild_id, pseudonym) is None:
            raise UserError("Check-ins are for members of a group here: join one with /join first. 💛")
        await self._repo.set(guild_id, pseudonym, parsed.week, parsed.kind)
        await self._planner.plan_member(guild_id, pseudonym)
        lines = ["Saved. 💛 " + describe(parsed.kind, parsed.week, today)]
        if parsed.kind == "due":
            lines.append(due_explained())
        lines.append("Only the week is kept, never the day; /forget-me erases it, and in research it appears only "
                     "as weeks after birth or weeks of pregnancy.")
        return Note("\n".join(lines))
