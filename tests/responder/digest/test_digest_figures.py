"""The digest's figures against the database the fixture built."""

from __future__ import annotations

from sqlalchemy import func, select

from responder.digest.figures import gather_figures
from responder.digest.period import parse_week
from tests.responder.digest.world import ID_CARD, PHONE, SHANGHAI, WEEK, local
from yuqing.core.storage.models import Assessment, Post, Source, SourceRun


def _figures(sessions, settings, now):
    with sessions() as session:
        return gather_figures(session, settings, parse_week(WEEK, SHANGHAI), now)


def test_volume_counts_posts_of_the_local_week(sessions, settings, world, digest_now):
    week = parse_week(WEEK, SHANGHAI)
    with sessions() as session:
        in_week = session.scalar(select(func.count()).where(Post.published_at >= week.start, Post.published_at < week.end))
    volume = _figures(sessions, settings, digest_now).volume
    assert volume.total == in_week == 18
    assert volume.previous_total == 9
    assert volume.change == 1.0
    assert {p.key: p.count for p in volume.platforms} == {"weibo": 14, "html": 4}
    assert volume.sentiment == {"negative": 8, "neutral": 6, "positive": 3, "none": 1}
    assert volume.negative_share == 8 / 17
    assert volume.previous_negative_share == 3 / 9
    assert [d.count for d in volume.days] == [4, 6, 2, 2, 1, 1, 2]


def test_cases_are_counted_against_the_previous_week(sessions, settings, world, digest_now):
    handling = _figures(sessions, settings, digest_now).handling
    assert (handling.opened, handling.responded, handling.closed) == (4, 3, 3)
    assert handling.previous == {"opened": 2, "responded": 1, "closed": 1}
    assert [c.id for c in handling.overdue_cases] == [world.cases["care"]]
    assert handling.overdue_cases[0].overdue_hours == 87.0


def test_response_times_and_clocks(sessions, settings, world, digest_now):
    handling = _figures(sessions, settings, digest_now).handling
    assert handling.median_response_hours == 10.0
    assert handling.median_close_hours == 25.0
    assert (handling.on_time.on_time, handling.on_time.total) == (2, 4)
    assert [(g.label, g.on_time, g.total) for g in handling.by_level] == [("Ⅱ级", 1, 1), ("Ⅲ级", 0, 2), ("Ⅳ级", 1, 1)]
    sections = {g.label: (g.on_time, g.total) for g in handling.by_section}
    assert sections == {"救灾和社会救助科": (2, 2), "养老服务科": (0, 1), "社会事务科": (0, 1)}


def test_week_table_holds_cases_open_during_the_week(sessions, settings, world, digest_now):
    figures = _figures(sessions, settings, digest_now)
    ids = {c.id for c in figures.cases}
    assert ids == {world.cases[k] for k in ("relief", "care", "consult", "late", "dismissed")}
    assert figures.cases[0].level == 2


def test_a_case_for_another_department_says_so_in_the_week_table(sessions, settings, world, digest_now):
    from yuqing.core.storage.db import transaction
    from yuqing.core.storage.models import Case

    with transaction(sessions) as session:
        session.get(Case, world.cases["care"]).department = "住建"
    rows = {c.id: c for c in _figures(sessions, settings, digest_now).cases}
    assert rows[world.cases["care"]].kind_name == "投诉·转办住建"
    assert rows[world.cases["relief"]].kind_name == "投诉"


def test_commentator_load(sessions, settings, world, digest_now):
    loads = {load.key: load for load in _figures(sessions, settings, digest_now).commentators}
    relief = loads["relief-chief"]
    assert (relief.assigned, relief.responded, relief.closed, relief.open_at_end) == (2, 2, 2, 0)
    elderly = loads["elderly-chief"]
    assert (elderly.assigned, elderly.open_at_end, elderly.overdue, elderly.on_time, elderly.settled) == (1, 1, 1, 0, 1)
    assert loads["affairs-chief"].open_at_end == 1


def test_consultations_quote_the_approved_answer_masked(sessions, settings, world, digest_now):
    consultations = _figures(sessions, settings, digest_now).consultations
    assert consultations.answered == 1
    example = consultations.examples[0]
    assert PHONE not in example.question and "138****5678" in example.question
    assert example.answer == "您好，可拨打0571-****4321咨询低保申请。"


def test_top_events_with_level_spread_state_and_links(sessions, settings, world, digest_now):
    events = _figures(sessions, settings, digest_now).events
    assert [e.id for e in events] == [world.events["relief"], world.events["care"], world.events["marriage"]]
    top = events[0]
    assert (top.level, top.posts, top.platforms, top.negative, top.state) == (2, 8, 1, 6, "已关闭")
    assert [link.engagement for link in top.links] == [80, 70, 60]
    assert ID_CARD not in top.summary and PHONE not in top.title


def test_coverage_tells_quiet_from_blind(sessions, settings, world, digest_now):
    sources = {s.key: s for s in _figures(sessions, settings, digest_now).coverage.sources}
    weibo = sources["weibo-search"]
    assert weibo.down_hours == 6.0 and weibo.failed_runs == 24
    assert weibo.outages[0].start == "11-18 14:00" and weibo.outages[0].end == "11-18 20:00"
    assert sources["city-news"].verdict == "采集正常，本周无相关信息"
    assert sources["city-forum"].verdict == "采集正常" and sources["city-forum"].posts == 4
    assert sources["tieba-yuchuan"].verdict.startswith("整周未能采集")
    assert sources["liuyan-board"].verdict.startswith("整周未能采集")


def test_watchlist_names_overdue_cases_and_blind_sources(sessions, settings, world, digest_now):
    watchlist = _figures(sessions, settings, digest_now).watchlist
    assert any("养老院收费上涨" in item and "尽快回应" in item for item in watchlist)
    assert any("榆川吧" in item for item in watchlist)


def test_empty_week_has_no_invented_numbers(sessions, settings, digest_now):
    figures = _figures(sessions, settings, digest_now)
    assert figures.volume.total == 0 and figures.volume.negative_share is None
    assert figures.handling.on_time.share is None and figures.events == []


def test_a_persons_sentiment_override_wins(sessions, settings, world, digest_now):
    week = parse_week(WEEK, SHANGHAI)
    with sessions() as session, session.begin():
        assessment = session.scalars(
            select(Assessment).join(Post, Post.id == Assessment.post_id)
            .where(Assessment.sentiment_label == "positive", Post.published_at >= week.start)
        ).first()
        assessment.label_override = "negative"
    sentiment = _figures(sessions, settings, digest_now).volume.sentiment
    assert (sentiment["negative"], sentiment["positive"]) == (9, 2)


def test_undated_posts_count_by_when_they_were_fetched(sessions, settings, world, digest_now):
    with sessions() as session, session.begin():
        for n, fetched in enumerate((local(20, 9), local(23, 9))):
            session.add(Post(dedup_key=f"undated:{n}", platform="tieba", clean_text="没有日期的回帖", published_at=None,
                             fetched_at=fetched, updated_at=fetched))
    volume = _figures(sessions, settings, digest_now).volume
    assert volume.total == 19
    assert [d.count for d in volume.days][4] == 2


def test_a_source_that_came_back_late_in_the_week_was_interrupted_not_blind(sessions, settings, world, digest_now):
    with sessions() as session, session.begin():
        tieba = session.scalar(select(Source).where(Source.key == "tieba-yuchuan"))
        session.add(SourceRun(source_id=tieba.id, started_at=local(22, 20), finished_at=local(22, 20, 1), status="ok"))
    coverage = _figures(sessions, settings, digest_now).coverage
    tieba = next(s for s in coverage.sources if s.key == "tieba-yuchuan")
    assert not tieba.blind and tieba.verdict.startswith("中断 ")
    assert [o.start for o in tieba.outages] == ["11-16 00:00", "11-22 20:30"]
    assert (coverage.blind, coverage.interrupted, coverage.healthy) == (1, 2, 2)
