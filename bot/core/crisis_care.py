"""Crisis care: her resources wherever she can be reached, then an alert that says what really happened.

Runs straight after screening, before any policy check or relay, so it never waits on them. The
*urgent* tier gets everything below; the *worried* tier (framing/tiers.py) gets a gentler message
without "call 999 now" and a moderator note with no ping, re-alert or escalation, and she is not
told about moderators. When every crisis reading is about someone she is telling about (a friend's
goodbye, unanswered: `about = "someone_else"` in safety_net.toml), the message starts with getting help
to that person, and the alert says so. When a reading of her own says she has already taken an overdose
(`taken = true`), the message starts with calling the emergency number now even if she feels fine, and the
alert says so.

1. Resources first. The message promises nothing about her post or the moderators, so it can go
   before either is known. It goes by DM, or where she is (the DM channel she wrote in, or
   privately in the app); `delivery` records which worked: dm, here or none.
2. One alert per server she wrote in (or, from a DM, per server where she is in a group), unless
   she already has an open crisis flag there for that group (it keeps re-alerting). The alert
   states the delivery as it was, and names the entry path; never her words.
3. Only when a person got the alert (the moderator log, or the safeguarding lead it escalated to
   because the log could not take it: see alerts.py) and she could be reached is she told the
   moderators know.

Someone in none of the groups (never joined, left, removed, group archived) who DMs crisis words
still gets resources: her server's region, or every configured region of the servers she shares
with the bot. Wherever a server's region applies, her own choice there (/resources region, see
regions.py) comes first. Where that is exactly one server, its moderators get an alert under an alias: her
existing alias there, or a new one made now. That is the least identifying detail that still lets
them reach her: the alias reveals nothing by itself, and reaching the account behind it is the
audited two-moderator reveal, the same as for any member. Where she shares several servers with
the bot and is in none of their groups, no server is alerted: choosing one would tell strangers
about her, and alerting all would tell every one of them.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.core.alerts import AlertPolicy
from bot.core.aliases import AliasService
from bot.core.flags import FlagQueue
from bot.core.framing.nudges import MODERATORS_TOLD, crisis_message, gentle_message, someone_else_message
from bot.core.groups import Group
from bot.core.notify import Note, Notifier
from bot.core.regions import MemberRegions
from bot.core.resources import FALLBACK_REGION, RegionResources, render_resources
from bot.core.screening import Screened

log = logging.getLogger(__name__)

# Show a Note where she is (the interaction, or the DM channel she wrote in); False if it could not.
Answer = Callable[[Note], Awaitable[bool]]


@dataclass(frozen=True)
class Place:
    """Where her words belong for an alert: a server, and the group if there is one."""

    guild_id: int
    group: Group | None = None


@dataclass(frozen=True)
class CareReport:
    delivery: str  # dm | here | none
    flag_ids: tuple[int, ...]
    moderators_told: bool


class CrisisCare:
    def __init__(self, flags: FlagQueue, alerts: AlertPolicy, regions: MemberRegions, aliases: AliasService,
                 resources: dict[str, RegionResources]) -> None:
        self._flags = flags
        self._alerts = alerts
        self._regions = regions
        self._aliases = aliases
        self._resources = resources

    async def resources_text(self, user_id: int, guild_ids: list[int], *, urgent: bool = True,
                             lead: str = "her") -> str:
        """Her region's resources in each server (her choice, else the server's); each region once when
        they differ; the general list when none."""
        regions: list[str] = []
        for guild_id in guild_ids:
            # Her pseudonym is computed, never stored here: reading her choice creates nothing.
            region = await self._regions.region_for(guild_id, self._aliases.pseudonym(guild_id, user_id))
            if region not in regions:
                regions.append(region)
        if not regions:
            regions = [FALLBACK_REGION]
        if len(regions) == 1:
            return render_resources(regions[0], self._resources, urgent=urgent, lead=lead)
        parts = []
        for region in regions:
            code = next((r for r in self._resources if r.casefold() == region.casefold()), FALLBACK_REGION)
            text = render_resources(region, self._resources, urgent=urgent, lead=lead)
            parts.append(f"__{self._resources[code].label}__\n{text}")
        return "\n\n".join(parts)

    async def resources_only(self, user_id: int, guild_ids: list[int], entry: str, answer: Answer,
                             notifier: Notifier) -> CareReport:
        """The last resort when care failed part-way (the database, say): her resources, whatever else fails."""
        try:
            text = await self.resources_text(user_id, guild_ids)
        except Exception:
            log.exception("Could not read her server's region; sending the general resources")
            text = render_resources(FALLBACK_REGION, self._resources)
        delivery, _ = await self._deliver(user_id, guild_ids[0] if guild_ids else 0, Note(crisis_message(text)),
                                          entry, answer, notifier)
        return CareReport(delivery, (), False)

    async def care(self, user_id: int, places: list[Place], region_guilds: list[int], screened: Screened,
                   entry: str, jump_url: str | None, answer: Answer, notifier: Notifier,
                   post: tuple[str | None, str | None] = (None, None)) -> CareReport:
        """Resources to her, then alerts. `region_guilds`: more servers whose region applies (no alert there)."""
        urgent = screened.tier != "worried"
        lead = screened.lead if urgent else "her"
        guilds = list(dict.fromkeys([place.guild_id for place in places] + region_guilds))
        guild_id = guilds[0] if guilds else 0
        text = await self.resources_text(user_id, guilds, urgent=urgent, lead=lead)
        if lead == "someone_else":
            note = Note(someone_else_message(text))
        else:
            note = Note(crisis_message(text) if urgent else gentle_message(text))
        delivery, route = await self._deliver(user_id, guild_id, note, entry, answer, notifier)
        flag_ids: list[int] = []
        told = False
        for place in places:
            alias = await self._aliases.ensure(place.guild_id, user_id)
            group_id = place.group.id if place.group else None
            already = await self._flags.open_crisis_flag(place.guild_id, alias.pseudonym, group_id)
            if already is not None and (already.urgent or not urgent):
                told = already.urgent  # an open urgent flag keeps re-alerting until someone acknowledges it
                continue
            flag = await self._flags.raise_flag(
                place.guild_id, "crisis", alias.pseudonym, alias.alias, group_id=group_id, detail=screened.reason,
                jump_url=jump_url, delivery=delivery, entry=entry, post_state=post[0], post_note=post[1],
                urgent=urgent)
            flag_ids.append(flag.id)
            if await self._alerts.raise_and_deliver(notifier, flag):
                told = True
            else:
                log.warning("Nobody could be alerted about crisis flag %s in guild %s", flag.id, place.guild_id)
        if told and urgent and route is not None:
            await route(Note(MODERATORS_TOLD))
        return CareReport(delivery, tuple(flag_ids), told and urgent)

    @staticmethod
    async def _deliver(user_id: int, guild_id: int, note: Note, entry: str, answer: Answer,
                       notifier: Notifier) -> tuple[str, Answer | None]:
        """Send the note the first way that works; which way (dm | here | none) and the route itself."""
        # In a DM she is already in the channel the bot can answer; elsewhere a DM keeps the details
        # where she can find them again, and the private reply in the app is the fallback.
        routes: list[tuple[str, Answer]] = [("dm", lambda n: notifier.send_dm(guild_id, user_id, n))]
        routes.insert(0 if entry == "dm" else 1, ("dm" if entry == "dm" else "here", answer))
        for kind, send in routes:
            if await send(note):
                return kind, send
        return "none", None
