"""Taking a check-in: one item at a time, back and pause, safety rules at once, scores on completion.

Progress lives in the `checkins` row (answers so far as JSON), so a half-answered questionnaire
resumes after a restart. Every change is a conditional UPDATE on the answers she last saw, so a
stale or double click changes nothing and gets a kind sentence instead.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from bot.clock import Clock
from bot.core.alerts import AlertPolicy
from bot.core.aliases import AliasService
from bot.core.checkins import messages
from bot.core.checkins.buttons import parse_checkin_choice
from bot.core.checkins.prefs import PrefsService
from bot.core.errors import UserError
from bot.core.flags import Flag, FlagQueue
from bot.core.groups import GroupService
from bot.core.guilds import GuildSettingsService
from bot.core.instruments import Instrument, InstrumentError, SafetyRule
from bot.core.notify import Note, Notifier
from bot.core.regions import MemberRegions
from bot.core.resources import RegionResources, render_resources
from bot.store import Database, Tx
from bot.store.checkins_repo import CheckinRow, CheckinsRepository

log = logging.getLogger(__name__)

STALE = ("That question already has an answer, so nothing was changed. 💛 Please use the newest message, "
         "or run /checkin now to see where you are.")
NOT_AN_OPTION = "That isn't one of the answers, so nothing was changed. Please tap one of the buttons. 💛"


def closed_message(row: CheckinRow) -> str:
    if row.state == "completed":
        return "You've already finished this check-in. Thank you! 💛"
    if row.reason == "superseded":
        return ("This check-in was for an earlier period and has closed, so nothing was changed. "
                "Your newest one is waiting: run /checkin now. 💛")
    if row.state == "missed":
        return "This check-in has closed, so nothing was changed. 💛 The next one comes with your group's schedule."
    if row.state == "skipped":
        return "This check-in isn't running any more, so nothing was changed. 💛"
    return "This check-in hasn't started yet. Run /checkin now to take it. 💛"


@dataclass(frozen=True)
class Step:
    """What to show after an action: usually one Note, two when a safety rule fired first."""

    notes: tuple[Note, ...]
    completed: bool = False
    paused: bool = False
    checkin: CheckinRow | None = None  # the check-in it was about (as it was before the step)


class SessionService:
    def __init__(self, db: Database, clock: Clock, instruments: Mapping[str, Instrument], aliases: AliasService,
                 groups: GroupService, guilds: GuildSettingsService, flags: FlagQueue, alerts: AlertPolicy,
                 resources: Mapping[str, RegionResources], prefs: PrefsService) -> None:
        self._db = db
        self._checkins = CheckinsRepository(db)
        self._clock = clock
        self._instruments = instruments
        self._aliases = aliases
        self._groups = groups
        self._guilds = guilds
        self._flags = flags
        self._alerts = alerts
        self._resources = dict(resources)
        self._regions = MemberRegions(db, clock, guilds, resources)
        self._prefs = prefs

    # -- lookups ------------------------------------------------------------------------------------

    async def load(self, checkin_id: int) -> CheckinRow | None:
        return await self._checkins.get(checkin_id)

    async def owned(self, checkin_id: int, user_id: int) -> CheckinRow:
        """Her check-in, or a kind refusal (also when someone else's id is tried)."""
        row = await self.load(checkin_id)
        if row is None or row.pseudonym != self._aliases.pseudonym(row.guild_id, user_id):
            raise UserError("I can't find that check-in. Run /checkin now in your server to see yours. 💛")
        return row

    def instrument_of(self, row: CheckinRow) -> Instrument:
        instrument = self._instruments.get(row.instrument)
        if instrument is None or not instrument.can_be_sent:
            raise UserError("This questionnaire isn't available any more, so nothing was changed. "
                            "Please let a moderator know. 💛")
        return instrument

    def _open(self, row: CheckinRow) -> Instrument:
        if row.state != "sent":
            raise UserError(closed_message(row))
        return self.instrument_of(row)

    async def group_name(self, row: CheckinRow) -> str:
        try:
            return (await self._groups.get(row.guild_id, row.group_id)).name
        except UserError:
            return ""

    async def current_note(self, row: CheckinRow) -> Note:
        instrument = self._open(row)
        return messages.item_note(row.id, instrument, row.next_item, group_name=await self.group_name(row),
                                  first=not row.answers)

    # -- her actions --------------------------------------------------------------------------------

    async def press(self, rest: str, user_id: int, notifier: Notifier) -> Step:
        """A check-in button she pressed, by its id after "ci:": the step it takes and what to show next."""
        choice = parse_checkin_choice(rest)
        if choice.action == "go":
            return await self.resume(choice.checkin_id, user_id)
        assert choice.item is not None
        if choice.action == "back":
            return await self.back(choice.checkin_id, user_id, choice.item)
        if choice.action == "pause":
            return await self.pause(choice.checkin_id, user_id)
        assert choice.position is not None
        return await self.answer(choice.checkin_id, user_id, choice.item, choice.position, notifier)

    async def answer(self, checkin_id: int, user_id: int, item_number: int, position: int,
                     notifier: Notifier) -> Step:
        row = await self.owned(checkin_id, user_id)
        instrument = self._open(row)
        if item_number != row.next_item:
            raise UserError(STALE)
        try:
            fired = instrument.safety_rules_fired_by(item_number, position)
        except InstrumentError:
            raise UserError(NOT_AN_OPTION) from None
        answers = [*row.answers, position]
        new_rules = [rule for rule in fired if rule.id not in row.safety_fired]
        safety = [*row.safety_fired, *(rule.id for rule in new_rules)]
        done = len(answers) == len(instrument.items)
        result = instrument.score(answers) if done else None
        now = self._clock.now()
        flags: list[Flag] = []
        async with self._db.transaction() as tx:
            if not await self._checkins.record_answers(tx, row.id, row.answers, answers, safety,
                                                       now if done else None):
                raise UserError(STALE)
            if result is not None:
                await self._checkins.insert_score(
                    tx, row, instrument.id, now, result.total, result.band, result.subscales,
                    [(number, position, instrument.option_score(number, position))
                     for number, position in enumerate(answers, start=1)])
            # The safety flags commit with the answer that fired them, so a crash can't lose the alert.
            flags = [await self._raise_safety_flag(tx, row, instrument, rule) for rule in new_rules]
        notes: list[Note] = []
        if new_rules:
            notes.append(await self._safety(row, flags, notifier, continuing=result is None))
        if result is not None:
            notes.append(messages.result_note(instrument, result))
        else:
            notes.append(messages.item_note(row.id, instrument, item_number + 1))
        return Step(tuple(notes), completed=result is not None, checkin=row)

    async def back(self, checkin_id: int, user_id: int, item_number: int) -> Step:
        row = await self.owned(checkin_id, user_id)
        instrument = self._open(row)
        if item_number != row.next_item or item_number <= 1:
            raise UserError(STALE if item_number != row.next_item else "This is the first question. 💛")
        if not await self._checkins.step_back(row.id, row.answers):
            raise UserError(STALE)
        return Step((messages.item_note(row.id, instrument, item_number - 1),))

    async def pause(self, checkin_id: int, user_id: int) -> Step:
        row = await self.owned(checkin_id, user_id)
        self._open(row)
        timezone = (await self._guilds.get(row.guild_id)).timezone
        prefs = await self._prefs.get(row.guild_id, row.pseudonym, timezone)
        await self._checkins.set_paused(row.id, True)  # a check-in waiting behind this one may go now
        return Step((messages.paused_note(row.id, row.expires_at, prefs.timezone),), paused=True, checkin=row)

    async def resume(self, checkin_id: int, user_id: int) -> Step:
        row = await self.owned(checkin_id, user_id)
        note = await self.current_note(row)
        await self._checkins.set_paused(row.id, False)
        return Step((note,), checkin=row)

    # -- internals ----------------------------------------------------------------------------------

    async def _raise_safety_flag(self, tx: Tx, row: CheckinRow, instrument: Instrument,
                                 rule: SafetyRule) -> Flag:
        record = await self._aliases.get(row.guild_id, row.pseudonym)
        alias = record.alias if record is not None else "unknown alias"
        return await self._flags.raise_flag(row.guild_id, "safety", row.pseudonym, alias, group_id=row.group_id,
                                            detail=safety_detail(instrument, rule), tx=tx)

    async def _safety(self, row: CheckinRow, flags: list[Flag], notifier: Notifier, *, continuing: bool) -> Note:
        """Deliver the alerts (alias, questionnaire, question; never her answers) and give her resources."""
        told = bool(flags)
        for flag in flags:
            if not await self._alerts.raise_and_deliver(notifier, flag):
                told = False
                log.warning("Nobody could be alerted about safety flag %s in guild %s", flag.id, row.guild_id)
        region = await self._regions.region_for(row.guild_id, row.pseudonym)  # hers, else the server's
        return messages.safety_note(render_resources(region, self._resources), continuing=continuing,
                                    moderators_told=told)


def safety_detail(instrument: Instrument, rule: SafetyRule) -> str:
    """The alert's "About" line, written for moderators (never the questionnaire file's notes)."""
    topic = f" ({rule.alert})" if rule.alert else ""
    return f"her answer to {instrument.short_name} question {rule.item}{topic} needs a check-in"
