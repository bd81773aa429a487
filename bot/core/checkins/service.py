"""The check-in service: everything time-driven in one `run_due`, plus what members and moderators ask.

`run_due(notifier)` plans the periods that have come, sends what is due (paced to Discord's
limits), sends reminders and marks expired check-ins missed. The bot calls it from APScheduler
(cron triggers at each schedule's time and the 30-second tick); tests and the sandbox call it after
moving a ManualClock. Every step is idempotent, so calling it twice at once is harmless.

One at a time: when several check-ins of one member fall due together (two questionnaires, or two
groups of the server), she gets the first; the others wait behind it (`CheckinsRepository.hold_behind_open`).
When she finishes it, the next is claimed through the same checks and shown straight after her result,
where she answered (`press`); when she pauses it, or it expires, the next goes with the next sending
run (the 30-second tick), paced like every DM.

Consent never answered: she is asked once (the consent request opens her first check-in) and reminded
once; that check-in, and later ones until she answers, are recorded as skipped with reason "consent
not answered" (never missed), and /consent yes lets the next period reach her normally.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.core.alerts import AlertPolicy
from bot.core.aliases import AliasRecord, AliasService
from bot.core.audit import AuditLog
from bot.core.checkins import messages
from bot.core.checkins.baby import BabyWeeks
from bot.core.checkins.birth_planner import BirthPlanner
from bot.core.checkins.planner import Planner
from bot.core.checkins.prefs import MemberPrefs, PrefsService
from bot.core.checkins.schedule import ScheduleService
from bot.core.checkins.sessions import SessionService, Step
from bot.core.consent import (
    OTHER_SERVER_BUTTON,
    Consent,
    ConsentKind,
    ConsentService,
    parse_consent_choice,
    render_consent,
)
from bot.core.errors import UserError
from bot.core.flags import FlagQueue
from bot.core.groups import GroupService
from bot.core.guilds import GuildSettingsService
from bot.core.instruments import Instrument
from bot.core.notify import Note, Notifier
from bot.core.resources import RegionResources
from bot.core.shards import ALL_GUILDS, GuildShards
from bot.settings import CheckinSettings
from bot.store import Database
from bot.store.checkins_repo import CheckinRow, CheckinsRepository

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
# `reason` of a sent check-in whose first message was the consent request.
CONSENT_ASKED = "consent asked"
# One run sends at most this many seconds' worth of DMs; the rest go on the next tick.
RUN_SECONDS = 25


@dataclass(frozen=True)
class DueReport:
    planned: int = 0
    sent: int = 0
    reminded: int = 0
    expired: int = 0


@dataclass(frozen=True)
class ConsentOutcome:
    note: Note
    checkin: Note | None = None  # the questionnaire to start now, when she just said yes and one is waiting


class Pacer:
    """Spaces sends `1 / rate` seconds apart (the first goes at once)."""

    def __init__(self, rate_per_second: float, sleep: Sleep) -> None:
        self._interval = 1 / rate_per_second
        self._sleep = sleep
        self._first = True

    async def wait(self) -> None:
        if not self._first:
            await self._sleep(self._interval)
        self._first = False


class CheckinService:
    def __init__(self, db: Database, clock: Clock, settings: CheckinSettings, instruments: Mapping[str, Instrument],
                 aliases: AliasService, groups: GroupService, guilds: GuildSettingsService, flags: FlagQueue,
                 alerts: AlertPolicy, consent: ConsentService, audit: AuditLog,
                 resources: Mapping[str, RegionResources],
                 sleep: Sleep = asyncio.sleep, *, shards: GuildShards = ALL_GUILDS) -> None:
        self._db = db
        self._shards = shards  # run_due plans, sends, reminds and expires for these guilds only
        self._checkins = CheckinsRepository(db)
        self._clock = clock
        self._settings = settings
        self._instruments = instruments
        self._aliases = aliases
        self._groups = groups
        self._guilds = guilds
        self._consent = consent
        self._audit = audit
        self.sleep = sleep  # the sandbox may pass a no-op; the bot paces with asyncio.sleep
        self.prefs = PrefsService(db, clock, settings.default_timezone)
        self.schedules = ScheduleService(db, clock, audit, groups, guilds, instruments, shards=shards)
        self.sessions = SessionService(db, clock, instruments, aliases, groups, guilds, flags, alerts, resources,
                                       self.prefs)
        self.planner = Planner(db, clock, self.schedules, groups, guilds, self.prefs, consent,
                               timedelta(hours=settings.grace_hours))
        # Birth-anchored schedules (postnatal:2,6,12): each member's own weeks after her baby's week.
        self.birth_planner = BirthPlanner(db, clock, self.schedules, groups, guilds, self.prefs, consent,
                                          timedelta(hours=settings.grace_hours))
        self.baby = BabyWeeks(db, clock, aliases, guilds, self.prefs, self.birth_planner)
        self._reminder = timedelta(hours=settings.reminder_hours)
        self._expiry = timedelta(days=settings.expiry_days)
        self._grace = timedelta(hours=settings.grace_hours)

    @property
    def max_per_run(self) -> int:
        return max(1, int(self._settings.send_rate_per_second * RUN_SECONDS))

    # -- time-driven work ---------------------------------------------------------------------------

    async def run_due(self, notifier: Notifier) -> DueReport:
        plans = await self.planner.plan_due() + await self.birth_planner.plan_due()
        pacer = Pacer(self._settings.send_rate_per_second, self.sleep)
        sent = await self.send_pending(notifier, pacer)
        reminded = await self.send_reminders(notifier, pacer)
        expired = await self.expire()
        return DueReport(sum(p.new_rows for p in plans), sent, reminded, expired)

    async def _member_prefs(self, guild_id: int, pseudonym: str) -> MemberPrefs:
        return await self.prefs.get(guild_id, pseudonym, (await self._guilds.get(guild_id)).timezone)

    async def _close(self, checkin_id: int, state: str, reason: str, *, from_state: str = "pending") -> None:
        await self._checkins.close(checkin_id, state, reason, from_state=from_state)

    async def _claim(self, checkin_id: int, now: datetime) -> bool:
        """pending → sent, exactly once even if two runs reach the same row."""
        return await self._checkins.claim(checkin_id, now, now + self._expiry)

    async def _opening_note(self, row: CheckinRow) -> Note:
        """The first message of a check-in: the questionnaire, or the consent request before her first one."""
        consent = await self._consent.get(row.guild_id, row.pseudonym)
        if consent.checkins is None:
            instrument = self.sessions.instrument_of(row)
            intro = messages.consent_intro(await self.sessions.group_name(row), instrument)
            return render_consent(row.guild_id, consent, intro=intro)
        return await self.sessions.current_note(row)

    async def _ready(self, row: CheckinRow, now: datetime) -> tuple[AliasRecord, Consent] | None:
        """Her account and consent when this due row can go to her now; None when it was closed or moved on
        instead (too late after downtime, paused, quiet hours or a snooze, said no, asked for consent and not
        answered, or nothing to send)."""
        assert row.send_after is not None
        if row.send_after < now - self._grace:
            await self._close(row.id, "missed", "offline")
            return None
        prefs = await self._member_prefs(row.guild_id, row.pseudonym)
        if prefs.paused:
            await self._close(row.id, "skipped", "paused")
            return None
        allowed = prefs.next_allowed(now)
        if allowed > now:
            await self._checkins.defer(row.id, allowed)
            return None
        consent = await self._consent.get(row.guild_id, row.pseudonym)
        if consent.checkins is False:
            await self._close(row.id, "skipped", "no consent")
            return None
        if consent.checkins_unanswered:  # asked once and reminded once already
            await self._close(row.id, "skipped", "consent not answered")
            return None
        record = await self._aliases.get(row.guild_id, row.pseudonym)
        if record is None or row.instrument not in self._instruments:
            await self._close(row.id, "skipped", "unavailable")
            return None
        return record, consent

    async def _claim_next(self, row: CheckinRow, consent: Consent, now: datetime) -> bool:
        """pending → sent, exactly once, and only if she has no other check-in in her hands (one at a time)."""
        reason = CONSENT_ASKED if consent.checkins is None else ""
        return await self._checkins.claim_next(row.id, now, now + self._expiry, reason)

    async def send_pending(self, notifier: Notifier, pacer: Pacer | None = None) -> int:
        pacer = pacer or Pacer(self._settings.send_rate_per_second, self.sleep)
        now = self._clock.now()
        sent = 0
        # Members who already have a check-in in their hands get the next one after it, not at once.
        await self._checkins.hold_behind_open(now, self.max_per_run, self._shards)
        for row in await self._checkins.due_pending(now, self.max_per_run, self._shards):
            ready = await self._ready(row, now)
            if ready is None:
                continue
            record, consent = ready
            if not await self._claim_next(row, consent, now):
                continue  # sent by another run, or another of hers went first: it waits behind that one
            note = await self._opening_note((await self.sessions.load(row.id)) or row)
            await pacer.wait()
            if not await notifier.send_dm(row.guild_id, record.user_id, note):
                await self._checkins.mark_dm_closed(row.id)
            elif consent.checkins is None:
                await self._consent.mark_checkins_asked(row.guild_id, row.pseudonym)
            sent += 1
        # Rows that lost to another of hers in this run wait behind it from now, not from their due time.
        await self._checkins.hold_behind_open(now, self.max_per_run, self._shards)
        return sent

    async def send_reminders(self, notifier: Notifier, pacer: Pacer | None = None) -> int:
        pacer = pacer or Pacer(self._settings.send_rate_per_second, self.sleep)
        now = self._clock.now()
        reminded = 0
        for row in await self._checkins.due_reminders(now - self._reminder, now, self.max_per_run, self._shards):
            prefs = await self._member_prefs(row.guild_id, row.pseudonym)
            if prefs.paused or prefs.next_allowed(now) > now:
                continue  # try again on a later tick
            record = await self._aliases.get(row.guild_id, row.pseudonym)
            instrument = self._instruments.get(row.instrument)
            if record is None or instrument is None:
                continue
            if not await self._checkins.claim_reminder(row.id, now):
                continue
            consent = await self._consent.get(row.guild_id, row.pseudonym)
            if consent.checkins is None:
                intro = messages.consent_intro(await self.sessions.group_name(row), instrument, reminder=True)
                note = render_consent(row.guild_id, consent, intro=intro)
            else:
                note = messages.reminder_note(row.id, instrument, row.expires_at, prefs.timezone)
            await pacer.wait()
            await notifier.send_dm(row.guild_id, record.user_id, note)
            reminded += 1
        return reminded

    async def expire(self) -> int:
        return await self._checkins.expire(self._clock.now(), self._shards)

    # -- members ------------------------------------------------------------------------------------

    async def open_checkin(self, guild_id: int, pseudonym: str) -> CheckinRow | None:
        """Her newest check-in that is under way, or due and not sent yet."""
        return await self._checkins.open_for_member(guild_id, pseudonym)

    async def take_now(self, guild_id: int, user_id: int) -> Note:
        """`/checkin`: the questionnaire that is waiting for her, to answer now, privately."""
        pseudonym = self._aliases.pseudonym(guild_id, user_id)
        consent = await self._consent.get(guild_id, pseudonym)
        row = await self.open_checkin(guild_id, pseudonym)
        now = self._clock.now()
        if consent.checkins is not True:
            intro = ("Check-ins need your OK first. 💛" if consent.checkins is None else
                     "You've chosen not to have check-ins. You can change that here whenever you like. 💛")
            if consent.checkins is None and row is not None and row.state == "sent":
                # The consent request of a check-in that reached her here, not by DM: she has been asked.
                await self._consent.mark_checkins_asked(guild_id, pseudonym)
                await self._checkins.shown_to_her(row.id, now)
            return render_consent(guild_id, consent, intro=intro)
        if row is None:
            return messages.NOTHING_DUE
        if row.state == "pending":
            await self._claim(row.id, now)
            row = await self.sessions.load(row.id) or row
        await self._checkins.shown_to_her(row.id, now)
        return await self.sessions.current_note(row)

    async def waiting_notice(self, guild_id: int, user_id: int) -> Note | None:
        """The line she is shown once, privately, the next time she uses the bot in the server after a
        check-in's DM could not reach her: only while it is open and untouched, and once per check-in."""
        pseudonym = self._aliases.pseudonym(guild_id, user_id)
        now = self._clock.now()
        if not await self._checkins.dm_notice_due(guild_id, pseudonym, now):  # a read: most interactions stop here
            return None
        if not await self._checkins.take_dm_notice(guild_id, pseudonym, now):
            return None
        return messages.WAITING_HERE

    async def press(self, rest: str, user_id: int, notifier: Notifier) -> Step:
        """A check-in button she pressed (by its id after "ci:"). When it finished her check-in, the next one
        waiting for her is claimed through the same checks as any send and shown straight after her result,
        in the same place; when it paused it, the next goes with the next sending run."""
        step = await self.sessions.press(rest, user_id, notifier)
        row = step.checkin
        if row is None or not (step.completed or step.paused):
            return step
        now = self._clock.now()
        await self._checkins.release_waiting(row.guild_id, row.pseudonym, now)
        if not step.completed:
            return step
        following = await self._next_for(row.guild_id, row.pseudonym, now)
        return step if following is None else replace(step, notes=(*step.notes, following))

    async def _next_for(self, guild_id: int, pseudonym: str, now: datetime) -> Note | None:
        for row in await self._checkins.due_for_member(guild_id, pseudonym, now):
            ready = await self._ready(row, now)
            if ready is None:
                continue
            _, consent = ready
            if not await self._claim_next(row, consent, now):
                return None
            await self._checkins.shown_to_her(row.id, now)
            return await self._opening_note((await self.sessions.load(row.id)) or row)
        return None

    async def set_consent(self, guild_id: int, user_id: int, kind: ConsentKind, given: bool) -> ConsentOutcome:
        pseudonym = self._aliases.pseudonym(guild_id, user_id)
        if await self._aliases.get(guild_id, pseudonym) is None:
            raise UserError("Check-ins are for members of a group here: join one with /join first. 💛")
        consent, changed = await self._consent.set(guild_id, pseudonym, kind, given)
        what = "check-ins" if kind == "checkins" else "research use of your scores"
        if not changed:
            headline = f"Nothing changed: you had already said {'yes' if given else 'no'} to {what}."
        elif given:
            headline = f"Thank you. You've said yes to {what}. 💛"
        else:
            headline = f"Done: no {what} from now on. You can change this any time with /consent. 💛"
        if kind == "checkins" and changed and not given:
            await self._checkins.skip_open_for_member(guild_id, pseudonym, "consent withdrawn")
        if kind == "checkins" and changed and given:
            await self._checkins.consent_given(guild_id, pseudonym)  # her open consent request becomes the check-in
        note = render_consent(guild_id, consent, intro=headline)
        if kind == "checkins" and given:
            row = await self.open_checkin(guild_id, pseudonym)
            if row is not None:
                now = self._clock.now()
                if row.state == "pending":
                    await self._claim(row.id, now)
                    row = await self.sessions.load(row.id) or row
                await self._checkins.shown_to_her(row.id, now)
                return ConsentOutcome(note, await self.sessions.current_note(row))
        return ConsentOutcome(note)

    async def press_consent(self, rest: str, user_id: int, *, server_id: int | None) -> ConsentOutcome:
        """A consent button she pressed, by its id after "consent:". `server_id` is the server it was pressed
        in, None in a DM (a button from another server's message is refused there)."""
        choice = parse_consent_choice(rest)
        if server_id is not None and server_id != choice.guild_id:
            raise UserError(OTHER_SERVER_BUTTON)
        return await self.set_consent(choice.guild_id, user_id, choice.kind, choice.given)

    @staticmethod
    async def first_questionnaire(checkin: Note, *, in_server: bool,
                                  send_dm: Callable[[Note], Awaitable[bool]]) -> list[Note]:
        """Where the first questionnaire goes after she says yes: pressed in a DM, right there; pressed
        in the server, to her DMs (she is told so), or, with her DMs closed, privately in the server."""
        if not in_server:
            return [checkin]
        if await send_dm(checkin):
            return [messages.SENT_TO_DMS]
        return [messages.DM_CLOSED, checkin]

    async def consent_note(self, guild_id: int, user_id: int) -> Note:
        pseudonym = self._aliases.pseudonym(guild_id, user_id)
        return render_consent(guild_id, await self._consent.get(guild_id, pseudonym))

    async def pause(self, guild_id: int, user_id: int) -> Note:
        pseudonym = self._aliases.pseudonym(guild_id, user_id)
        await self.prefs.set_paused(guild_id, pseudonym, True)
        return Note("Check-ins are paused. 💛 Take all the time you need; /checkin resume turns them back on.")

    async def resume(self, guild_id: int, user_id: int) -> Note:
        pseudonym = self._aliases.pseudonym(guild_id, user_id)
        await self.prefs.set_paused(guild_id, pseudonym, False)
        return Note("Welcome back. 💛 Check-ins are on again; the next one comes with your group's schedule.")

    async def snooze(self, guild_id: int, user_id: int, hours: int) -> Note:
        pseudonym = self._aliases.pseudonym(guild_id, user_id)
        prefs = await self.prefs.snooze(guild_id, pseudonym, hours)
        assert prefs.snoozed_until is not None
        # An open check-in stays open through the snooze, with time left to answer afterwards.
        await self._checkins.keep_open_until(guild_id, pseudonym, prefs.snoozed_until + self._reminder)
        until = messages.local_time(prefs.snoozed_until, prefs.timezone)
        return Note(f"Snoozed for {hours} hour{'s' if hours != 1 else ''}. 💛 I'll hold any check-in until "
                    f"{until} ({prefs.timezone}).")

    async def configure(self, guild_id: int, user_id: int, *, timezone: str | None, quiet_start: str | None,
                        quiet_end: str | None) -> Note:
        """With nothing given, show her current settings; otherwise change them and show the result."""
        pseudonym = self._aliases.pseudonym(guild_id, user_id)
        fallback = (await self._guilds.get(guild_id)).timezone
        if timezone is None and quiet_start is None and quiet_end is None:
            prefs = await self.prefs.get(guild_id, pseudonym, fallback)
            return Note("Your check-in settings (only you can see this):\n" + prefs.describe() + "\n\n"
                        "To change them: /checkin settings timezone: london, quiet_start: 10pm, quiet_end: 7am "
                        "(quiet_start: off clears quiet hours).")
        prefs = await self.prefs.configure(guild_id, pseudonym, timezone=timezone, quiet_start=quiet_start,
                                           quiet_end=quiet_end, fallback_timezone=fallback)
        return Note("Saved. 💛\n" + prefs.describe())

    # -- moderators ---------------------------------------------------------------------------------

    async def describe_status(self, guild_id: int) -> str:
        """/checkins status: the completion counts, then what was not sent for want of a consent answer."""
        text = await self.schedules.describe_status(guild_id)
        waiting = [(status.group_name, self._short_name(status.instrument), status.awaiting_consent)
                   for status in await self.schedules.status(guild_id) if status.awaiting_consent]
        return text + messages.awaiting_consent_lines(waiting)

    def _short_name(self, instrument: str) -> str:
        return self._instruments[instrument].short_name if instrument in self._instruments else instrument

    async def send_now(self, guild_id: int, group_name: str, notifier: Notifier, *, actor: str) -> Note:
        """Bring the group's next check-in forward to now (members who already have it don't get it twice)."""
        schedules = await self.schedules.for_group(guild_id, group_name)
        if schedules and all(schedule.timing.per_member for schedule in schedules):
            group = await self._groups.by_name(guild_id, group_name)
            raise UserError(f"“{group.name}” only has check-ins timed from each baby's birth, and those go to "
                            "each member at her own weeks: they can't be brought forward. Nothing was sent.")
        await self.planner.plan_due()
        now = self._clock.now()
        new_rows = members = 0
        for schedule in schedules:
            fresh = await self.schedules.get(guild_id, schedule.id)
            if fresh.timing.per_member:
                continue  # birth-anchored: each member's own weeks, never brought forward
            plan = await self.planner.plan_period(fresh, fresh.timing.next_after(now), due_at=now)
            new_rows += plan.new_rows
            members += plan.members
        async with self._db.transaction() as tx:
            await self._audit.record(tx, guild_id, actor, "checkin_send_now", "sent check-ins early",
                                     detail=f"{group_name[:60]}: {new_rows} new")
        await self.send_pending(notifier)
        group = await self._groups.by_name(guild_id, group_name)
        return Note(f"Check-ins for “{group.name}” are going out now: {new_rows} new of {members} members "
                    "(the others already had this one). Members who have paused, said no, or are in their quiet "
                    "hours are not disturbed.")
