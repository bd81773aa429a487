"""A member's words, from every entry, through one pipeline:

    screen → crisis care → policy (membership, archive, cooldown, reply target, length) → relay → nudges

Entries: `/share` (a modal), a DM to the bot, a message in a group channel or one of its threads,
and an edit of any of those. Nothing before the screen can refuse, lose or delay her words; crisis
care (screening.py, crisis_care.py) never waits on the relay and happens whatever the relay does.
Every refusal after she has written gives her text back.

Adapters (cogs/sharing.py for Discord, the sandbox) turn an event into `Words` and implement
`Outlet`: answer her where she is, publish a relay plan, react, and hold a choice in memory. They
never sequence these steps themselves. Her text lives only in memory: in `Words` and in a `Held`
choice while she decides; it is never stored or logged.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from typing import Literal, Protocol

from bot.core import member_notes
from bot.core.alerts import AlertPolicy
from bot.core.aliases import AliasRecord, AliasService
from bot.core.crisis_care import CareReport, CrisisCare, Place
from bot.core.errors import UserError
from bot.core.framing.service import FramingService
from bot.core.groups import Group, GroupService
from bot.core.membership import MembershipService
from bot.core.notify import Note, Notifier
from bot.core.posts import PICK_PREFIX, REFLECT_SHARE
from bot.core.relay import Cooldown, RelayPlan, RelayService, message_link
from bot.core.screening import Screened, Screener, clean

log = logging.getLogger(__name__)

Entry = Literal["share", "dm", "channel", "thread", "edit"]


@dataclass(frozen=True)
class Words:
    """What she wrote and where. `text` is in memory only."""

    user_id: int
    text: str
    entry: Entry
    guild_id: int | None = None  # None: a DM to the bot (or an edit of one)
    group_id: int | None = None  # /share: the group she chose
    channel_id: int | None = None  # in a server: the channel she wrote in (a thread's parent channel)
    reply_to: int | None = None
    jump_url: str | None = None  # her own message, when her words are a Discord message
    mutual_guild_ids: tuple[int, ...] = ()  # DMs: the servers she shares with the bot


class PublishFailed(Exception):
    """The relay could not post. `reason` is for her; `moderator_text` (if any) for the moderator log."""

    def __init__(self, reason: str, moderator_text: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.moderator_text = moderator_text


@dataclass
class Held:
    """Her words while she chooses (a group for a DM, or share-as-it-is after a reflect note)."""

    words: Words
    screened: Screened
    kind: Literal["pick", "reflect"]
    targets: tuple[tuple[AliasRecord, Group], ...] = ()
    care: CareReport | None = None
    used: bool = field(default=False)

    def take(self) -> Words | None:
        """The words once: a second click, or a click after the timeout, finds nothing."""
        if self.used:
            return None
        self.used = True
        return self.words


class Outlet(Protocol):
    """What an adapter does for the pipeline. `notifier` reaches people outside this conversation."""

    notifier: Notifier

    async def answer(self, note: Note) -> bool:
        """Show a Note to her where she is (privately in the app, or in the DM channel she wrote in).
        False when that is impossible (no interaction to answer, or it could not be sent)."""
        ...

    async def publish(self, plan: RelayPlan) -> list[int]:
        """Post every part of the plan in the group under her alias; the message ids, or PublishFailed."""
        ...

    async def react(self, emoji: str, message_id: int | None) -> None:
        """React to a relayed message (by id) or to her own message (None)."""
        ...

    async def hold(self, note: Note, held: Held) -> None:
        """Show the note with its choices and keep `held` in memory until she chooses (then call
        `SharingPipeline.resume`) or the choice times out (then call `SharingPipeline.expire`)."""
        ...


@dataclass(frozen=True)
class Outcome:
    """What happened to her words, for tests and logs (never the text)."""

    screened: Screened
    care: CareReport | None
    result: Literal["shared", "refused", "held", "observed", "ignored"]
    number: int | None = None


class SharingPipeline:
    def __init__(self, screener: Screener, care: CrisisCare, relay: RelayService, groups: GroupService,
                 aliases: AliasService, membership: MembershipService, alerts: AlertPolicy,
                 framing: FramingService | None) -> None:
        self._screener = screener
        self._care = care
        self._relay = relay
        self._groups = groups
        self._aliases = aliases
        self._membership = membership
        self._alerts = alerts
        self._framing = framing

    # -- the entry point ------------------------------------------------------------------------

    async def submit(self, words: Words, outlet: Outlet) -> Outcome:
        """Screen her words, care for her if needed, then do what the entry asks. Never raises."""
        words = replace(words, text=clean(words.text))
        try:
            return await self._submit(words, outlet)
        except Exception:
            log.exception("Sharing failed unexpectedly for a %s entry", words.entry)
            if words.entry in ("share", "dm"):
                await self._give_back(outlet, words, "Sorry, something went wrong on my side", None)
            return Outcome(Screened(False, None), None, "refused")

    async def _submit(self, words: Words, outlet: Outlet) -> Outcome:
        in_group: Group | None = None
        if words.guild_id is not None and words.entry in ("channel", "thread", "edit"):
            in_group = await self._groups.by_channel(words.guild_id, words.channel_id or 0)
            if in_group is None:
                return Outcome(Screened(False, None), None, "ignored")  # not a group channel: not ours to read
        if not words.text.strip():
            if words.entry in ("share", "dm"):
                await outlet.answer(Note("There's nothing to share yet: please write a few words first."))
            return Outcome(Screened(False, None), None, "ignored")
        screened = await self._screener.screen(words.text)
        targets = await self._membership.dm_targets(words.user_id) if words.guild_id is None else []
        care = None
        if screened.crisis:
            places, region_guilds = await self._places(words, in_group, targets)
            post: tuple[str | None, str | None] = (None, None)  # known once the policy and relay have run
            if words.entry in ("channel", "thread", "edit"):
                post = ("in_channel", None)
            elif words.entry == "dm" and not targets:
                post = ("not_shared", "she is in no group")
            try:
                care = await self._care.care(words.user_id, places, region_guilds, screened, words.entry,
                                             words.jump_url, outlet.answer, outlet.notifier, post)
            except Exception:
                log.exception("Crisis care failed part-way for a %s entry; sending resources alone", words.entry)
                care = await self._care.resources_only(words.user_id, [p.guild_id for p in places] + region_guilds,
                                                       words.entry, outlet.answer, outlet.notifier)
            log.info("Crisis language in a %s entry: resources %s, %d new alert(s), moderators told: %s",
                     words.entry, care.delivery, len(care.flag_ids), care.moderators_told)
        if words.entry == "share":
            return await self._share(words, screened, care, outlet, reflect=True)
        if words.entry == "dm":
            if not targets:
                await self._give_back(outlet, words, member_notes.NO_GROUP_REASON, None)
                return Outcome(screened, care, "refused")
            if len(targets) == 1:
                alias, group = targets[0]
                return await self._relay_to(words, alias, group, screened, care, outlet)
            held = Held(words, screened, "pick", tuple(targets), care)
            await outlet.hold(member_notes.pick_group([g for _, g in targets], PICK_PREFIX), held)
            return Outcome(screened, care, "held")
        if words.entry in ("channel", "thread") and in_group is not None and in_group.mode == "open":
            await self._after_post(words, in_group, screened, outlet, None)
        return Outcome(screened, care, "observed")

    async def resume(self, held: Held, choice_id: str, outlet: Outlet) -> Outcome:
        """She chose: a group for her DM (`pick:<group id>`) or "Share as it is" after a reflect note.
        ("Edit" is the adapter's: it takes the words from `held` into its own editor.)"""
        words = held.take()
        if words is None:
            await outlet.answer(Note("That choice has already been used or has timed out."))
            return Outcome(held.screened, held.care, "ignored")
        if held.kind == "pick" and choice_id.startswith(PICK_PREFIX):
            wanted = choice_id.removeprefix(PICK_PREFIX)
            for alias, group in held.targets:
                if str(group.id) == wanted:
                    return await self._relay_to(words, alias, group, held.screened, held.care, outlet)
        if held.kind == "reflect" and choice_id == REFLECT_SHARE:
            return await self._share(words, held.screened, held.care, outlet, reflect=False)
        await self._give_back(outlet, words, "I didn't recognise that choice", held.care, "a choice went wrong")
        return Outcome(held.screened, held.care, "refused")

    async def expire(self, held: Held, outlet: Outlet) -> None:
        """The choice timed out: her words go back to her, so nothing is lost."""
        words = held.take()
        if words is not None:
            await self._give_back(outlet, words, "The choice timed out before anything was posted", held.care,
                                  "she didn't choose in time")

    # -- where she is, for crisis care ------------------------------------------------------------

    async def _places(self, words: Words, in_group: Group | None,
                      targets: list[tuple[AliasRecord, Group]]) -> tuple[list[Place], list[int]]:
        if words.guild_id is not None:
            group = in_group
            if group is None and words.group_id is not None:
                try:
                    group = await self._groups.get(words.guild_id, words.group_id)
                except UserError:
                    group = None
            return [Place(words.guild_id, group)], []
        if targets:
            by_guild: dict[int, list[Group]] = {}
            for alias, group in targets:
                by_guild.setdefault(alias.guild_id, []).append(group)
            return [Place(g, groups[0] if len(groups) == 1 else None) for g, groups in by_guild.items()], []
        known = [alias.guild_id for alias in await self._aliases.everywhere(words.user_id)]
        guilds = list(dict.fromkeys([*words.mutual_guild_ids, *known]))
        if len(guilds) == 1:
            return [Place(guilds[0])], []
        return [], guilds

    # -- policy and relay -------------------------------------------------------------------------

    async def _share(self, words: Words, screened: Screened, care: CareReport | None, outlet: Outlet, *,
                     reflect: bool) -> Outcome:
        assert words.guild_id is not None and words.group_id is not None
        try:
            group = await self._groups.get(words.guild_id, words.group_id)
        except UserError as exc:
            await self._give_back(outlet, words, exc.message, care)
            return Outcome(screened, care, "refused")
        author = await self._aliases.ensure(words.guild_id, words.user_id)
        if reflect and not screened.crisis and self._framing is not None and screened.result is not None:
            try:
                await self._relay.check(group, author, words.text, words.reply_to)
            except UserError as exc:
                await self._give_back(outlet, words, exc.message, care, _why(exc))
                return Outcome(screened, care, "refused")
            note = await self._framing.reflect_note(words.guild_id, group.id, author.pseudonym, screened.result)
            if note is not None:
                await outlet.hold(note, Held(words, screened, "reflect", care=care))
                return Outcome(screened, care, "held")
        return await self._relay_to(words, author, group, screened, care, outlet)

    async def _relay_to(self, words: Words, author: AliasRecord, group: Group, screened: Screened,
                        care: CareReport | None, outlet: Outlet) -> Outcome:
        try:
            plan = await self._relay.prepare(group, author, words.text, words.reply_to)
        except UserError as exc:
            await self._give_back(outlet, words, exc.message, care, _why(exc))
            return Outcome(screened, care, "refused")
        try:
            message_ids = await outlet.publish(plan)
        except Exception as exc:
            failure = exc if isinstance(exc, PublishFailed) else PublishFailed("something went wrong on my side")
            if not isinstance(exc, PublishFailed):
                log.exception("Relay to group %s failed unexpectedly", group.id)
            await self._relay.abandon(plan)
            await self._give_back(outlet, words, f"I couldn't post that just now: {failure.reason}", care,
                                  f"the relay failed: {failure.reason}")
            if failure.moderator_text:
                await outlet.notifier.send_mod_log(plan.guild_id, Note(failure.moderator_text))
            return Outcome(screened, care, "refused")
        await self._relay.confirm(plan, message_ids)
        await outlet.answer(member_notes.shared(group, plan.number))
        link = message_link(group.guild_id, plan.channel_id, message_ids[0])
        for flag_id in care.flag_ids if care else ():
            await self._alerts.update_post(outlet.notifier, flag_id, "shared", jump_url=link)
        await self._after_post(words, group, screened, outlet, message_ids[0], author=author)
        return Outcome(screened, care, "shared", plan.number)

    async def _after_post(self, words: Words, group: Group, screened: Screened, outlet: Outlet,
                          message_id: int | None, author: AliasRecord | None = None) -> None:
        """Counts, nudges and the 💛 reaction for a published post the model read. Never crisis care."""
        if self._framing is None or screened.result is None:
            return
        pseudonym = author.pseudonym if author else self._aliases.pseudonym(group.guild_id, words.user_id)
        outcome = await self._framing.after_post(group.guild_id, group.id, pseudonym, words.user_id,
                                                 screened.result, words.entry, outlet.notifier)
        if outcome.reaction:
            try:
                await outlet.react(outcome.reaction, message_id)
            except Exception:
                log.info("Could not add a reaction in group %s", group.id)
        for note in outcome.notes:
            if not await outlet.answer(note):
                log.info("A private note for a %s post in group %s could not be shown", words.entry, group.id)

    async def _give_back(self, outlet: Outlet, words: Words, reason: str, care: CareReport | None,
                         why: str | None = None) -> None:
        """Her words back, privately: where she is, else by DM; so nothing she wrote is lost. The
        alerts of her crisis flags are edited to say the post was not shared, and why."""
        notes = member_notes.text_back(reason, words.text)
        shown = True
        for note in notes:
            shown = shown and await outlet.answer(note)
        if not shown and words.guild_id is not None:  # (a DM she wrote: its channel was the only way back)
            for note in notes:
                if not await outlet.notifier.send_dm(words.guild_id, words.user_id, note):
                    log.info("Her words could not be given back to her in guild %s", words.guild_id)
                    break
        for flag_id in care.flag_ids if care else ():
            await self._alerts.update_post(outlet.notifier, flag_id, "not_shared", why or reason)


def _why(error: UserError) -> str:
    """A refusal, in a few words for the moderators' alert."""
    return "inside the posting cooldown" if isinstance(error, Cooldown) else error.message
