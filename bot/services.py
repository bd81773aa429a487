"""The core services, built once over one database and handed to every adapter.

`open_services()` is the single place that opens the store, applies migrations, checks the
secret key against the stored fingerprint and wires the services together. The Discord bot and
the offline sandbox both use it, so they run the same code.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.clock import Clock, SystemClock
from bot.core.alerts import AlertPolicy
from bot.core.aliases import AliasService
from bot.core.audit import AuditLog
from bot.core.checkins.service import CheckinService
from bot.core.consent import ConsentService
from bot.core.crisis_care import CrisisCare
from bot.core.data_rights import DataRights
from bot.core.flags import FlagQueue
from bot.core.framing.digest import DigestService
from bot.core.framing.safety_net import SafetyNet
from bot.core.framing.service import FramingService
from bot.core.groups import GroupService
from bot.core.guilds import GuildSettingsService
from bot.core.instruments import Instrument, load_instruments
from bot.core.membership import MembershipService
from bot.core.moderation import ModerationService
from bot.core.notify import Notifier
from bot.core.outcomes.service import OutcomesService
from bot.core.privacy import Pseudonymizer, load_key
from bot.core.regions import MemberRegions
from bot.core.relay import RelayService
from bot.core.reports import ReportService
from bot.core.resources import load_resources
from bot.core.restrictions import Restrictions
from bot.core.reveal import RevealService
from bot.core.screening import Screener
from bot.core.shards import ALL_GUILDS, GuildShards
from bot.core.sharing import SharingPipeline
from bot.settings import CONFIG_DIR, BotSettings, Settings
from bot.store import Database
from bot.store.meta_repo import MetaRepository
from bot.store.open import connect

if TYPE_CHECKING:
    from bot.core.framing.classifier import FramingClassifier

log = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    db: Database
    clock: Clock
    pseudonymizer: Pseudonymizer
    guilds: GuildSettingsService
    aliases: AliasService
    audit: AuditLog
    flags: FlagQueue
    alerts: AlertPolicy
    groups: GroupService
    data_rights: DataRights
    membership: MembershipService
    relay: RelayService
    moderation: ModerationService
    reveals: RevealService
    reports: ReportService
    instruments: dict[str, Instrument]
    consent: ConsentService
    checkins: CheckinService
    outcomes: OutcomesService
    screener: Screener
    sharing: SharingPipeline
    # The weekly "you're not alone" digest (posting works without the model; writers are noted by framing).
    digests: DigestService
    # Each member's own crisis-resource region (the server's by default).
    regions: MemberRegions
    # None when started without the framing model (tests and tools that do not need it); the
    # safety net still screens every text then.
    framing: FramingService | None = None
    # The guilds whose due work this process does (bot.shard_ids of bot.shard_count; every guild by default).
    shards: GuildShards = ALL_GUILDS

    async def run_due(self, notifier: Notifier) -> None:
        """Everything time-driven that is due now (for this process's guilds): re-alerts, the daily retention
        purge, …"""
        await self.alerts.run(notifier)
        await self.reveals.expire_due(notifier)
        await self.relay.purge_stale()
        await self.checkins.run_due(notifier)
        await self.digests.run_due(notifier)
        await self.data_rights.purge_if_due()


async def _guard_key(db: Database, settings: Settings, env: Mapping[str, str] | None) -> Pseudonymizer:
    meta = MetaRepository(db)
    stored = await meta.get("key_fingerprint")
    pseudonymizer = load_key(settings.bot.key_path, stored, dict(env) if env is not None else None)
    if stored is None:
        await meta.add("key_fingerprint", pseudonymizer.fingerprint)
    return pseudonymizer


QUESTIONNAIRE_DIR = CONFIG_DIR / "questionnaires"
RESOURCES_FILE = CONFIG_DIR / "resources.toml"


@functools.cache
def default_net() -> SafetyNet:
    """The safety net from config (compiled once per process: it is read-only)."""
    return SafetyNet.from_file()


def guild_shards(bot: BotSettings) -> GuildShards:
    """The guilds this process serves: those of bot.shard_ids when given, else every guild."""
    return GuildShards.of(bot.shard_ids, bot.shard_count)


def build_services(settings: Settings, db: Database, clock: Clock, pseudonymizer: Pseudonymizer,
                   classifier: FramingClassifier | None = None) -> Services:
    shards = guild_shards(settings.bot)
    audit = AuditLog(db, clock)
    guilds = GuildSettingsService(db, clock, settings.checkins.default_timezone)
    aliases = AliasService(db, clock, pseudonymizer, settings.groups.alias_reroll_hours)
    flags = FlagQueue(db, clock, audit, settings.alerts.first_realert_minutes)
    alerts = AlertPolicy(db, clock, flags, settings.alerts, shards=shards)
    groups = GroupService(db, clock, audit, settings.groups.focus_options, settings.groups.default_size,
                          settings.groups.max_size)
    restrictions = Restrictions(db, clock)
    relay = RelayService(db, clock, groups, settings.groups.post_cooldown_seconds, restrictions)
    instruments = configured_instruments(settings)
    consent = ConsentService(db, clock)
    resources = load_resources(RESOURCES_FILE)
    checkins = CheckinService(db, clock, settings.checkins, instruments, aliases, groups, guilds, flags, alerts,
                              consent, audit, resources, shards=shards)
    digests = DigestService(db, clock, groups, audit, settings.research.k_anonymity, shards=shards, guilds=guilds)
    framing = None
    if classifier is not None:
        framing = FramingService(db, clock, settings.framing, classifier, audit, digest=digests)
    membership = MembershipService(aliases, groups, restrictions)
    # The classifier carries the net it combines with; without a model the net is loaded alone.
    net = classifier.net if classifier is not None else default_net()
    screener = Screener(net, framing.classify if framing else None, settings.framing.model_timeout_seconds,
                        settings.framing.urgent_threshold)
    regions = MemberRegions(db, clock, guilds, resources)
    care = CrisisCare(flags, alerts, regions, aliases, resources)
    services = Services(
        settings=settings,
        db=db,
        clock=clock,
        pseudonymizer=pseudonymizer,
        guilds=guilds,
        aliases=aliases,
        audit=audit,
        flags=flags,
        alerts=alerts,
        groups=groups,
        membership=membership,
        relay=relay,
        moderation=ModerationService(db, audit, aliases, groups, relay, flags, restrictions),
        reveals=RevealService(db, clock, audit, aliases, settings.groups.reveal_window_minutes, shards=shards),
        reports=ReportService(relay, aliases, groups, flags, alerts),
        data_rights=DataRights(db, clock, settings.research.retention_days, shards=shards),
        instruments=instruments,
        consent=consent,
        checkins=checkins,
        outcomes=OutcomesService(db, clock, instruments, settings.research.k_anonymity),
        screener=screener,
        sharing=SharingPipeline(screener, care, relay, groups, aliases, membership, alerts, framing),
        digests=digests,
        regions=regions,
        framing=framing,
        shards=shards,
    )
    return services


def configured_instruments(settings: Settings) -> dict[str, Instrument]:
    licensed = settings.questionnaires.licensed_text_dir
    return load_instruments(QUESTIONNAIRE_DIR, licensed.expanduser() if licensed else None)


@asynccontextmanager
async def open_services(
    settings: Settings, clock: Clock | None = None, env: Mapping[str, str] | None = None,
    classifier: FramingClassifier | None = None,
) -> AsyncIterator[Services]:
    """Open the database, migrate it, check the key, and close everything on the way out.

    `classifier` (loaded once in main(), see bot/cli/run.py) switches on the framing features."""
    db = await connect(settings)  # SQLite, or PostgreSQL when bot.database_url is set
    services: Services | None = None
    try:
        applied = await db.migrate()
        if applied:
            log.info("Database migrated to version %d", applied[-1])
        pseudonymizer = await _guard_key(db, settings, env)
        services = build_services(settings, db, clock or SystemClock(), pseudonymizer, classifier)
        yield services
    finally:
        if services is not None and services.framing is not None:
            await services.framing.close()
        await db.close()
