"""The alias table: the one place that links a pseudonym and alias to a Discord account."""

from __future__ import annotations

import random
import tomllib
from datetime import timedelta
from pathlib import Path

from bot.clock import Clock, from_iso
from bot.core.errors import NotFound, UserError
from bot.core.privacy import Pseudonymizer
from bot.store import Database
from bot.store.aliases_repo import AliasesRepository, AliasRecord

__all__ = ["PALETTE", "AliasRecord", "AliasService", "load_alias_words", "normalise_alias"]

ALIAS_WORDS_FILE = Path(__file__).resolve().parents[2] / "config" / "aliases.toml"
# Soft colours (RGB) for the avatar/embed of each alias; chosen once and kept.
PALETTE: tuple[int, ...] = (
    0x8FB9A8, 0xF4C095, 0xA3B4D8, 0xE5A4CB, 0xB5D99C, 0xF2D388, 0x9AD0EC, 0xD7B9D5, 0xC9ADA7, 0xA0C4B0,
)


def load_alias_words(path: Path = ALIAS_WORDS_FILE) -> tuple[tuple[str, ...], tuple[str, ...]]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return tuple(data["adjectives"]), tuple(data["nouns"])


def normalise_alias(text: str) -> str:
    return " ".join(text.replace("_", " ").split()).casefold()


class AliasService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        pseudonymizer: Pseudonymizer,
        reroll_hours: float,
        rng: random.Random | None = None,
    ) -> None:
        self._repo = AliasesRepository(db)
        self._clock = clock
        self._pseudonymizer = pseudonymizer
        self._reroll = timedelta(hours=reroll_hours)
        self._rng = rng or random.SystemRandom()
        self._adjectives, self._nouns = load_alias_words()

    def pseudonym(self, guild_id: int, user_id: int) -> str:
        return self._pseudonymizer.pseudonym(guild_id, user_id)

    async def get(self, guild_id: int, pseudonym: str) -> AliasRecord | None:
        return await self._repo.get(guild_id, pseudonym)

    async def for_user(self, guild_id: int, user_id: int) -> AliasRecord | None:
        return await self.get(guild_id, self.pseudonym(guild_id, user_id))

    async def everywhere(self, user_id: int) -> list[AliasRecord]:
        """Her alias in every server (to route a DM to her groups)."""
        return await self._repo.for_user(user_id)

    async def by_alias(self, guild_id: int, alias: str) -> AliasRecord:
        """Find an alias case-insensitively, or raise NotFound with a kind sentence."""
        wanted = normalise_alias(alias)
        for record in await self._repo.in_guild(guild_id):
            if normalise_alias(record.alias) == wanted:
                return record
        raise NotFound(f"There is no member with the alias “{alias.strip()[:60]}” in this server.")

    async def search(self, guild_id: int, typed: str, limit: int = 25) -> list[str]:
        """Aliases in this server matching what a moderator has typed: those starting with it first,
        then those containing it (case, spaces and underscores ignored). Read-only, for autocomplete."""
        wanted = normalise_alias(typed)
        starting, containing = [], []
        for stored in await self._repo.aliases(guild_id):
            alias = normalise_alias(stored)
            if alias.startswith(wanted):
                starting.append(stored)
            elif wanted in alias:
                containing.append(stored)
        return (starting + containing)[:max(0, limit)]

    async def _free_alias(self, guild_id: int) -> str:
        taken = set(await self._repo.aliases(guild_id))
        for _ in range(200):
            alias = f"{self._rng.choice(self._adjectives)} {self._rng.choice(self._nouns)}"
            if alias not in taken and normalise_alias(alias).split()[0] != normalise_alias(alias).split()[-1]:
                return alias
        # The word list is nearly used up in this server: add a small number to stay unique.
        while True:
            alias = f"{self._rng.choice(self._adjectives)} {self._rng.choice(self._nouns)} {self._rng.randint(2, 999)}"
            if alias not in taken:
                return alias

    async def ensure(self, guild_id: int, user_id: int) -> AliasRecord:
        """Return her alias, creating one (and her pseudonym) on first use."""
        pseudonym = self.pseudonym(guild_id, user_id)
        existing = await self.get(guild_id, pseudonym)
        if existing is not None:
            return existing
        now = self._clock.now()
        for _ in range(5):
            alias = await self._free_alias(guild_id)
            colour = self._rng.choice(PALETTE)
            inserted = await self._repo.insert(guild_id, pseudonym, user_id, alias, colour, now)
            record = await self.get(guild_id, pseudonym)
            if record is not None:
                return record
            if not inserted:
                continue  # the alias was taken by someone else a moment ago: draw again
        raise UserError("I couldn't find a free alias just now. Please try again in a moment.")

    @staticmethod
    def _too_soon(current: AliasRecord, wait: timedelta) -> UserError:
        hours = max(1, round(wait.total_seconds() / 3600))
        return UserError(
            f"You can choose a new alias once a day. You can change “{current.alias}” again in about "
            f"{hours} hour{'s' if hours != 1 else ''}."
        )

    async def reroll(self, guild_id: int, user_id: int) -> AliasRecord:
        """Give her a new alias, at most once per configured period.

        The alias she was first given can be changed at once (on the day she joined, if she doesn't
        like it); after that change the period applies as usual."""
        current = await self.for_user(guild_id, user_id)
        if current is None:
            raise UserError("You don't have an alias yet: join a group with /join and you'll get one.")
        now = self._clock.now()
        next_allowed = from_iso(current.alias_changed_at) + self._reroll
        first = current.never_changed
        if now < next_allowed and not first:
            raise self._too_soon(current, next_allowed - now)
        # Times are stored to the second: a first change is dated at least a second after her alias
        # was created, so it is never mistaken for "not changed yet".
        changed_at = max(now, from_iso(current.created_at) + timedelta(seconds=1)) if first else now
        for _ in range(5):
            alias = await self._free_alias(guild_id)
            if await self._repo.rename(guild_id, current.pseudonym, alias, changed_at, first_change=first):
                record = await self.get(guild_id, current.pseudonym)
                assert record is not None
                return record
            latest = await self.get(guild_id, current.pseudonym)
            if first and latest is not None and not latest.never_changed:  # changed a moment ago (two clicks)
                raise self._too_soon(latest, from_iso(latest.alias_changed_at) + self._reroll - now)
        raise UserError("I couldn't find a free alias just now. Please try again in a moment.")
