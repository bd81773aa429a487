"""APScheduler jobs for the weekly digest: one cron job per group with the digest on, Mondays at
`digest.POST_HOUR`:00 in the server's time zone, for the groups of this process's guilds
(`DigestService.served_groups`). When /setup changes a server's time zone, `arm_guild` re-arms its
groups' jobs in the new zone.

As with check-ins, the database decides: a job only wakes `DigestService.run_due`, which claims each
group-week with a conditional insert before posting, so a doubled trigger, the 30-second due-work job
or another process never posts twice. Job ids are stable ("framing:digest:<group id>") and added with
`replace_existing=True`.
"""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING

from apscheduler.jobstores.base import JobLookupError
from apscheduler.triggers.cron import CronTrigger

from bot.core.framing.digest import POST_HOUR, zone_of

if TYPE_CHECKING:
    from bot.client import PeerBot

log = logging.getLogger(__name__)

JOB_PREFIX = "framing:digest:"


def job_id(group_id: int) -> str:
    return f"{JOB_PREFIX}{group_id}"


async def run_digests(bot: PeerBot) -> None:
    try:
        await bot.services.digests.run_due(bot.notifier)
    except Exception:
        log.exception("The weekly digest failed")


def arm(bot: PeerBot, group_id: int, timezone: str) -> None:
    trigger = CronTrigger(day_of_week="mon", hour=POST_HOUR, minute=0, timezone=zone_of(timezone))
    # Before the scheduler starts, `replace_existing` would queue a second pending job beside the first.
    disarm(bot, group_id)
    bot.scheduler.add_job(run_digests, trigger, args=(bot,), id=job_id(group_id), replace_existing=True,
                          max_instances=1, coalesce=True, misfire_grace_time=None)


def disarm(bot: PeerBot, group_id: int) -> None:
    with contextlib.suppress(JobLookupError):
        bot.scheduler.remove_job(job_id(group_id))


async def arm_all(bot: PeerBot) -> int:
    """Arm the digest of every group with it on, in the guilds this process serves."""
    digests = bot.services.digests
    groups = await digests.served_groups()
    for guild_id, group_id in groups:
        arm(bot, group_id, await digests.timezone(guild_id))
    return len(groups)


async def arm_guild(bot: PeerBot, guild_id: int) -> int:
    """Re-arm the digest jobs of one server's groups in its (new) time zone."""
    digests = bot.services.digests
    groups = [group_id for guild, group_id in await digests.served_groups() if guild == guild_id]
    if groups:
        timezone = await digests.timezone(guild_id)
        for group_id in groups:
            arm(bot, group_id, timezone)
    return len(groups)


def disarm_all(bot: PeerBot) -> None:
    for job in bot.scheduler.get_jobs():
        if job.id.startswith(JOB_PREFIX):
            with contextlib.suppress(JobLookupError):
                bot.scheduler.remove_job(job.id)
