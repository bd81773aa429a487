"""Framing in the groups: the model call, nudges, the 💛 reaction and daily counts.

The sharing pipeline (bot/core/sharing.py) screens every text first (screening.py: safety net plus
this service's `classify`, off the event loop through `FramingBatcher`) and does crisis care
itself (crisis_care.py). With the screening result it then asks this service for:

- **upward_comparison / downward_comparison / isolation** with probability ≥ the group's nudge
  threshold: a nudge by the group's mode (`off`; `private`: a short DM after the post;
  `reflect`: for /share, `reflect_note` gives a pause note before relaying with "Share as it is" /
  "Edit", never blocking; DM and channel posts fall back to private). At most one nudge per member
  per framing.nudge_interval_hours, never the same text twice in a row, none after `/nudges off`.
  A crisis post never gets a nudge or a pause.
- **common_humanity**: in groups with reactions on, `after_post` returns "💛" for the adapter to
  add to the message.
- Every published post adds one to framing_counts(guild, group, day, label), and the weekly digest
  (digest.py) notes her pseudonym under the post's label for the week (never for crisis or
  neutral). Nothing of the text is kept or logged anywhere.
"""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from bot.clock import Clock
from bot.core.audit import AuditLog
from bot.core.errors import UserError
from bot.core.framing.batcher import FramingBatcher
from bot.core.framing.classifier import FramingClassifier, FramingResult
from bot.core.framing.digest import DigestService
from bot.core.framing.labels import CONNECTION_LABELS, LABELS, NUDGE_LABELS
from bot.core.framing.nudges import NudgeTexts, with_opt_out
from bot.core.notify import Choice, Note, Notifier
from bot.core.posts import REFLECT_EDIT, REFLECT_SHARE
from bot.settings import FramingSettings
from bot.store import Database
from bot.store.framing_repo import FramingRepository, GroupFramingRow

MODES: tuple[str, ...] = ("off", "private", "reflect")
REACTION = "💛"
REFLECT_CHOICES = (Choice(REFLECT_SHARE, "Share as it is", "primary"), Choice(REFLECT_EDIT, "Edit", "secondary"))


@dataclass(frozen=True)
class GroupFraming:
    group_id: int
    mode: str
    nudge_threshold: float
    threshold_overridden: bool
    react: bool


@dataclass(frozen=True)
class FramingOutcome:
    result: FramingResult
    notes: list[Note] = field(default_factory=list)
    reaction: str | None = None


@dataclass(frozen=True)
class WeekStats:
    week_start: date
    counts: dict[str, int]

    @property
    def connection_index(self) -> float | None:
        return connection_index(self.counts)


def connection_index(counts: dict[str, int]) -> float | None:
    """common_humanity / (common_humanity + upward + downward + isolation); None when that is 0."""
    denominator = sum(counts.get(label, 0) for label in CONNECTION_LABELS)
    return None if denominator == 0 else counts.get("common_humanity", 0) / denominator


class FramingService:
    """The model call, nudges, reactions and counts, and the moderators' per-group controls."""

    def __init__(self, db: Database, clock: Clock, settings: FramingSettings, classifier: FramingClassifier,
                 audit: AuditLog, nudges: NudgeTexts | None = None, rng: random.Random | None = None,
                 digest: DigestService | None = None) -> None:
        self._db = db
        self._repo = FramingRepository(db)
        self._clock = clock
        self.settings = settings
        self.classifier = classifier
        self._audit = audit
        self._nudges = nudges or NudgeTexts.load()
        self._rng = rng or random.Random()
        self._digest = digest
        self.batcher = FramingBatcher(classifier.classify, settings.batch_max, settings.batch_window_ms)

    async def close(self) -> None:
        await self.batcher.close()

    async def classify(self, text: str) -> FramingResult:
        return await self.batcher.classify(text)

    # -- after screening (bot/core/sharing.py calls these with the screening result) ------------------

    async def reflect_note(self, guild_id: int, group_id: int, pseudonym: str, result: FramingResult) -> Note | None:
        """In a `reflect` group, a pause note before a /share that reads as comparison or isolation."""
        config = await self.group_settings(guild_id, group_id)
        if config.mode != "reflect" or result.label == "crisis" or not self._wants_nudge(result, config):
            return None
        text = await self._take_nudge(guild_id, pseudonym, "reflect")
        return None if text is None else Note(text, REFLECT_CHOICES)

    async def after_post(self, guild_id: int, group_id: int, pseudonym: str, user_id: int, result: FramingResult,
                         entry: str, notifier: Notifier) -> FramingOutcome:
        """Count a published post, nudge her if the group's mode asks, and say which reaction to add.

        Crisis care is not done here: the pipeline did it before the post was published."""
        await self._count(guild_id, group_id, result.label)
        if self._digest is not None:
            await self._digest.record(guild_id, group_id, pseudonym, result.label)  # never crisis
        if result.label == "crisis":
            return FramingOutcome(result)
        config = await self.group_settings(guild_id, group_id)
        notes: list[Note] = []
        reflect_handled = config.mode == "reflect" and entry == "share"
        if config.mode != "off" and not reflect_handled and self._wants_nudge(result, config):
            text = await self._take_nudge(guild_id, pseudonym, result.label)
            if text is not None:
                note = Note(with_opt_out(text))
                if not await notifier.send_dm(guild_id, user_id, note):
                    notes.append(note)
        reaction = REACTION if config.react and result.label == "common_humanity" else None
        return FramingOutcome(result, notes, reaction)

    # -- nudges -------------------------------------------------------------------------------------

    @staticmethod
    def _wants_nudge(result: FramingResult, config: GroupFraming) -> bool:
        return result.label in NUDGE_LABELS and result.scores[result.label] >= config.nudge_threshold

    async def _take_nudge(self, guild_id: int, pseudonym: str, section: str) -> str | None:
        """Pick a text for her and record it, or None when she opted out or had a nudge too recently."""
        now = self._clock.now()
        async with self._db.transaction() as tx:
            state = await self._repo.nudge_state(tx, guild_id, pseudonym)
            if state is not None:
                if state.nudges_off:
                    return None
                interval = timedelta(hours=self.settings.nudge_interval_hours)
                if state.last_nudge_at is not None and now - state.last_nudge_at < interval:
                    return None
            texts = self._nudges.texts(section)
            choices = list(range(len(texts)))
            if state is not None and state.last_nudge_kind == section and state.last_nudge_index in choices \
                    and len(choices) > 1:
                choices.remove(state.last_nudge_index)
            index = self._rng.choice(choices)
            await self._repo.record_nudge(tx, guild_id, pseudonym, now, section, index)
        return texts[index]

    async def set_nudges(self, guild_id: int, pseudonym: str, enabled: bool) -> None:
        await self._repo.set_nudges_off(guild_id, pseudonym, not enabled)

    async def nudges_enabled(self, guild_id: int, pseudonym: str) -> bool:
        return not await self._repo.nudges_off(guild_id, pseudonym)

    # -- per-group settings (moderators) --------------------------------------------------------------

    async def group_settings(self, guild_id: int, group_id: int) -> GroupFraming:
        row = await self._repo.group(guild_id, group_id)
        if row is None:
            return GroupFraming(group_id, self.settings.default_mode, self.settings.nudge_threshold, False, False)
        overridden = row.nudge_threshold is not None
        return GroupFraming(group_id, row.mode, row.nudge_threshold if row.nudge_threshold is not None else
                            self.settings.nudge_threshold, overridden, row.react)

    async def _update_group(self, guild_id: int, group_id: int, actor: str, action: str, detail: str,
                            **changes: object) -> GroupFraming:
        current = await self.group_settings(guild_id, group_id)
        row = dataclasses.replace(GroupFramingRow(
            current.mode, current.nudge_threshold if current.threshold_overridden else None, current.react), **changes)
        async with self._db.transaction() as tx:
            await self._repo.save_group(tx, guild_id, group_id, row, self._clock.now())
            await self._audit.record(tx, guild_id, actor, action, "framing setting", detail=detail)
        return await self.group_settings(guild_id, group_id)

    async def set_mode(self, guild_id: int, group_id: int, mode: str, *, actor: str) -> GroupFraming:
        if mode not in MODES:
            raise UserError("The nudge mode is one of: off, private, reflect.")
        return await self._update_group(guild_id, group_id, actor, "framing_mode", f"group {group_id}: {mode}",
                                        mode=mode)

    async def set_threshold(self, guild_id: int, group_id: int, value: float | None, *, actor: str) -> GroupFraming:
        if value is not None and not 0 < value < 1:
            raise UserError("The nudge threshold is a probability between 0 and 1, e.g. 0.6.")
        return await self._update_group(guild_id, group_id, actor, "framing_threshold",
                                        f"group {group_id}: {'default' if value is None else value}",
                                        nudge_threshold=value)

    async def set_reaction(self, guild_id: int, group_id: int, on: bool, *, actor: str) -> GroupFraming:
        return await self._update_group(guild_id, group_id, actor, "framing_reaction",
                                        f"group {group_id}: {'on' if on else 'off'}", react=on)

    # -- counts, not content ------------------------------------------------------------------------

    async def _count(self, guild_id: int, group_id: int, label: str) -> None:
        await self._repo.count(guild_id, group_id, self._clock.now().date(), label)

    async def weekly_stats(self, guild_id: int, group_id: int, weeks: int = 8) -> list[WeekStats]:
        """Counts per label and the connection index per ISO week (Monday first), newest first."""
        today = self._clock.now().date()
        first = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
        by_week: dict[date, dict[str, int]] = {}
        for row in await self._repo.counts_since(guild_id, group_id, first):
            week = row.day - timedelta(days=row.day.weekday())
            counts = by_week.setdefault(week, dict.fromkeys(LABELS, 0))
            counts[row.label] += row.count
        return [WeekStats(week, by_week[week]) for week in sorted(by_week, reverse=True)]
