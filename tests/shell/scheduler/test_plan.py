"""The plan derived from the profile: one crawl per enabled source, digest on the configured day."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from yuqing.shell.scheduler.plan import Timings, crawl_jobs, planned_jobs

TZ = ZoneInfo("Asia/Shanghai")


def test_each_enabled_source_is_crawled_at_its_own_interval(settings, now):
    specs = {spec.id: spec for spec in planned_jobs(settings, TZ, now)}
    enabled = [s for s in settings.sources.sources if s.enabled]
    assert enabled, "the default profile has sources"
    for source in enabled:
        spec = specs[f"crawl:{source.key}"]
        assert spec.args == (source.key,)
        assert spec.trigger.interval.total_seconds() == source.interval_minutes * 60
    disabled = [s.key for s in settings.sources.sources if not s.enabled]
    assert not any(f"crawl:{key}" in specs for key in disabled)


def test_new_crawls_start_soon_and_staggered(settings, now):
    crawls = [spec for spec in planned_jobs(settings, TZ, now) if spec.body == "crawl"]
    firsts = [spec.first_run for spec in crawls]
    assert firsts[0] == now and firsts == sorted(set(firsts))


def test_many_fast_sources_all_start_within_their_interval(now):
    fast = [SimpleNamespace(key=f"fast{n:02d}", name=f"源 {n}", enabled=True, interval_minutes=1) for n in range(20)]
    crawls = crawl_jobs(SimpleNamespace(sources=SimpleNamespace(sources=fast)), TZ, now, Timings())
    firsts = [spec.first_run for spec in crawls]
    assert len(firsts) == 20 and firsts[0] == now and firsts == sorted(set(firsts))
    assert firsts[-1] - now < timedelta(minutes=1), "the last one starts before the first one's second run"


def test_digest_fires_on_the_configured_weekday_and_local_time(settings, now):
    digest = next(s for s in planned_jobs(settings, TZ, now) if s.id == "weekly_digest")
    fire = digest.trigger.get_next_fire_time(None, now.astimezone(TZ))
    assert fire.astimezone(TZ).weekday() == settings.digest.weekday
    assert fire.astimezone(TZ).strftime("%H:%M") == settings.digest.time
    assert fire == datetime(2026, 11, 23, 1, 0, tzinfo=timezone.utc)


def test_every_housekeeping_job_is_planned(settings, now):
    ids = {spec.id for spec in planned_jobs(settings, TZ, now)}
    assert {"analyze", "open_cases", "check_clocks", "confirm_responses", "deliver_outbox", "watch_sources",
            "weekly_digest", "clean_up"} <= ids


def test_minute_jobs_have_a_grace_longer_than_their_interval(settings, now):
    for spec in planned_jobs(settings, TZ, now):
        interval = getattr(spec.trigger, "interval", None)
        if interval is not None:
            assert spec.misfire_grace_seconds >= interval.total_seconds()


def test_crawls_run_in_their_own_pool(settings, now):
    pools = {spec.id: spec.executor for spec in planned_jobs(settings, TZ, now)}
    assert {pool for job_id, pool in pools.items() if job_id.startswith("crawl:")} == {"crawls"}
    assert pools["check_clocks"] == pools["deliver_outbox"] == "default"


def test_intake_follows_analysis_by_a_minute(settings, now):
    specs = {spec.id: spec for spec in planned_jobs(settings, TZ, now)}
    assert specs["open_cases"].first_run - specs["analyze"].first_run == timedelta(minutes=1)
