"""A member's own crisis-resource region: the crisis lines she is shown (the server's is the default).

She picks one of the regions in ``config/resources.toml`` with ``/resources region``; no choice (or
"server") means the server's region from /setup. Everything that shows her crisis lines asks
:meth:`MemberRegions.region_for`: the crisis pipeline (crisis_care.py) and the check-in safety note.
Her choice is kept by pseudonym only, erased by /forget-me and listed in /mydata.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.clock import Clock
from bot.core.errors import UserError
from bot.core.guilds import GuildSettingsService
from bot.core.resources import FALLBACK_REGION, RegionResources, render_resources
from bot.store import Database
from bot.store.member_regions_repo import MemberRegionsRepository

# What she types to go back to the server's region.
SERVER_WORDS = ("server", "default", "off", "none")


class MemberRegions:
    def __init__(self, db: Database, clock: Clock, guilds: GuildSettingsService,
                 resources: Mapping[str, RegionResources]) -> None:
        self._repo = MemberRegionsRepository(db)
        self._clock = clock
        self._guilds = guilds
        self._resources = dict(resources)

    def label(self, region: str) -> str:
        code = self.match(region) or FALLBACK_REGION
        return self._resources[code].label

    def match(self, typed: str) -> str | None:
        """The configured region meant by ``typed`` (its code or its name, any case), or None."""
        wanted = (typed or "").strip().casefold()
        for code, rr in self._resources.items():
            if wanted in (code.casefold(), rr.label.casefold()):
                return code
        return None

    def search(self, typed: str, limit: int = 25) -> list[tuple[str, str]]:
        """(name shown, value) pairs for autocomplete: the regions whose code or name contain ``typed``."""
        wanted = (typed or "").strip().casefold()
        found = [(f"{rr.label} ({code})", code) for code, rr in self._resources.items()
                 if wanted in code.casefold() or wanted in rr.label.casefold()]
        if not wanted or any(word.startswith(wanted) for word in SERVER_WORDS):
            found.append(("The server’s region (default)", "server"))
        return found[:limit]

    async def chosen(self, guild_id: int, pseudonym: str) -> str | None:
        """Her own choice, or None when she uses the server's region."""
        region = await self._repo.get(guild_id, pseudonym)
        return self.match(region) if region else None

    async def region_for(self, guild_id: int, pseudonym: str) -> str:
        """The region whose lines she is shown: hers when she chose one, else the server's."""
        return await self.chosen(guild_id, pseudonym) or (await self._guilds.get(guild_id)).region

    async def choose(self, guild_id: int, pseudonym: str, typed: str) -> str:
        """Set (or, with "server", clear) her region; the reply to show her."""
        if (typed or "").strip().casefold() in SERVER_WORDS:
            await self._repo.clear(guild_id, pseudonym)
            return await self.describe(guild_id, pseudonym)
        code = self.match(typed)
        if code is None:
            names = ", ".join(f"{rr.label} ({code})" for code, rr in self._resources.items())
            raise UserError(f"I don't know the region “{typed.strip()}”. Please choose one of: {names}, "
                            "or “server” for the server's region.")
        await self._repo.set(guild_id, pseudonym, code, self._clock.now())
        return await self.describe(guild_id, pseudonym)

    async def describe(self, guild_id: int, pseudonym: str) -> str:
        """Which region she is shown and why, then its lines (private text)."""
        mine = await self.chosen(guild_id, pseudonym)
        region = mine or (await self._guilds.get(guild_id)).region
        if mine:
            head = (f"Your crisis-resource region: **{self.label(region)}** (your choice). "
                    "/resources region server goes back to the server's region.")
        else:
            head = (f"Your crisis-resource region: **{self.label(region)}** (the server's). "
                    "/resources region lets you choose another.")
        return f"{head}\n\n{render_resources(region, self._resources)}"
