"""What the daemon schedules, derived from the settings: one plan, no scheduler needed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from yuqing.core.config import Settings

MINUTE = 60
DAY = 24 * 3600
CRAWL_POOL = "crawls"


@dataclass(frozen=True)
class Timings:
    """How often the housekeeping jobs run (the crawls follow each source's interval)."""

    analyze_minutes: int = 5
    intake_minutes: int = 5
    clocks_minutes: int = 1
    confirm_minutes: int = 5
    outbox_minutes: int = 1
    watch_minutes: int = 15
    cleanup_time: str = "03:30"
    crawl_stagger_seconds: int = 60


@dataclass(frozen=True)
class JobSpec:
    """One scheduled job: the body's name and arguments, its trigger and misfire grace."""

    id: str
    name: str
    body: str
    trigger: BaseTrigger
    misfire_grace_seconds: int
    args: tuple = ()
    first_run: datetime | None = None
    executor: str = "default"

    @property
    def signature(self) -> str:
        """What must match for a stored job to be kept as it is (schedule, body, arguments, pool)."""
        return job_signature(self.trigger, (self.body, *self.args), self.misfire_grace_seconds, self.executor)


def job_signature(trigger: BaseTrigger, args: tuple, grace: int | None, executor: str) -> str:
    """A stable text for a trigger, arguments, grace and pool (triggers' reprs hold start times)."""
    return f"{trigger}|{getattr(trigger, 'timezone', '')}|{args!r}|{grace}|{executor}"


def _every(minutes: int, tz: ZoneInfo) -> IntervalTrigger:
    return IntervalTrigger(minutes=minutes, timezone=tz)


def _daily_at(hhmm: str, tz: ZoneInfo, **fields) -> CronTrigger:
    hour, minute = (int(part) for part in hhmm.split(":"))
    return CronTrigger(hour=hour, minute=minute, timezone=tz, **fields)


def crawl_jobs(settings: Settings, tz: ZoneInfo, now: datetime, timings: Timings) -> list[JobSpec]:
    """One job per enabled source at its own interval; new ones start soon, staggered by
    `crawl_stagger_seconds`, or closer when that would start the last one after the shortest interval
    (twenty one-minute sources all start within the first minute)."""
    enabled = [s for s in settings.sources.sources if s.enabled]
    step = min([timings.crawl_stagger_seconds, *(s.interval_minutes * MINUTE / len(enabled) for s in enabled)])
    return [
        JobSpec(f"crawl:{s.key}", f"采集 {s.name}", "crawl", _every(s.interval_minutes, tz),
                s.interval_minutes * MINUTE, (s.key,), now + timedelta(seconds=i * step), CRAWL_POOL)
        for i, s in enumerate(enabled)
    ]


def planned_jobs(settings: Settings, tz: ZoneInfo, now: datetime, timings: Timings = Timings()) -> list[JobSpec]:
    """Every job the daemon keeps scheduled for this profile (intake a minute after analysis)."""
    digest = settings.digest
    return crawl_jobs(settings, tz, now, timings) + [
        JobSpec("analyze", "分析新帖", "analyze", _every(timings.analyze_minutes, tz), 5 * MINUTE, first_run=now),
        JobSpec("open_cases", "生成并分派工单", "open_cases", _every(timings.intake_minutes, tz), 5 * MINUTE,
                first_run=now + timedelta(minutes=1)),
        JobSpec("check_clocks", "检查回应时限", "check_clocks", _every(timings.clocks_minutes, tz), 5 * MINUTE),
        JobSpec("confirm_responses", "确认回复已发布", "confirm_responses", _every(timings.confirm_minutes, tz),
                10 * MINUTE),
        JobSpec("deliver_outbox", "投递通知", "deliver_outbox", _every(timings.outbox_minutes, tz), 5 * MINUTE),
        JobSpec("watch_sources", "检查数据源是否中断", "watch_sources", _every(timings.watch_minutes, tz),
                15 * MINUTE),
        JobSpec("weekly_digest", "发送舆情周报", "weekly_digest",
                _daily_at(digest.time, tz, day_of_week=digest.weekday), 2 * DAY),
        JobSpec("clean_up", "清理过期数据", "clean_up", _daily_at(timings.cleanup_time, tz), DAY),
    ]
