"""APScheduler jobs for check-in schedules: one cron trigger per schedule, in the group's time zone.

The database is the source of truth; a job only wakes the core's `run_due` at a schedule's
moment (the 30-second due-work job catches anything a job misses). Job ids are stable
("checkins:schedule:<id>") and added with `replace_existing=True`, so re-arming is harmless.
"""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING

from apscheduler.jobstores.base import JobLookupError
from apscheduler.triggers.cron import CronTrigger

from bot.core.checkins.schedule import Schedule

if TYPE_CHECKING:
    from bot.client import PeerBot

log = logging.getLogger(__name__)

JOB_PREFIX = "checkins:schedule:"


async def run_checkins(bot: PeerBot) -> None:
    try:
        await bot.services.run_due(bot.notifier)
    except Exception:
        log.exception("Scheduled check-in work failed")


def arm(bot: PeerBot, schedule: Schedule) -> None:
    trigger = CronTrigger(**schedule.timing.cron_fields(), timezone=schedule.timezone)
    bot.scheduler.add_job(
        run_checkins, trigger, args=(bot,), id=schedule.job_id, replace_existing=True, max_instances=1,
        coalesce=True, misfire_grace_time=int(bot.services.settings.checkins.grace_hours * 3600) or None,
    )


def disarm(bot: PeerBot, job_id: str) -> None:
    with contextlib.suppress(JobLookupError):
        bot.scheduler.remove_job(job_id)


async def arm_all(bot: PeerBot) -> int:
    """Arm every schedule of the guilds this process serves (its shards' guilds; every guild unsharded)."""
    schedules = await bot.services.checkins.schedules.served()
    for schedule in schedules:
        arm(bot, schedule)
    return len(schedules)


def disarm_all(bot: PeerBot) -> None:
    for job in bot.scheduler.get_jobs():
        if job.id.startswith(JOB_PREFIX):
            disarm(bot, job.id)
