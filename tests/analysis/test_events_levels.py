"""Events on a frozen clock: joining, burst figures, and a growing burst raising the level."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from analysis.events import (EventRules, EventState, assign_event, event_figures, merge_keywords, post_keywords,
                             representative)
from analysis.levels import LevelRules, Signals, assess_level, media_tier

NOW = datetime(2026, 11, 18, 10, 0, tzinfo=timezone.utc)
MINUTE = timedelta(minutes=1)


def level_at(times: list[datetime], now: datetime) -> int:
    figures = event_figures(times, now)
    signals = Signals(posts=figures.volume, platforms=1, negative_share=0.8, burst_score=figures.burst_score)
    return assess_level(signals, LevelRules()).level


def test_a_burst_raises_an_event_from_blue_to_yellow_to_orange():
    times = [NOW - timedelta(hours=h) for h in (11, 7, 3)] + [NOW - 10 * MINUTE]
    assert level_at(times, NOW) == 4
    times += [NOW + k * 5 * MINUTE for k in range(4)]
    assert level_at(times, NOW + 20 * MINUTE) == 3
    times += [NOW + 20 * MINUTE + k * 3 * MINUTE for k in range(12)]
    assert level_at(times, NOW + 55 * MINUTE) == 2


def test_burst_figures_and_reasons():
    times = [NOW - timedelta(hours=h, minutes=30) for h in range(1, 13)] + [NOW - k * MINUTE for k in range(6)]
    figures = event_figures(times, NOW)
    assert figures.volume == 18 and figures.last_hour == 6 and figures.baseline_mean == 1.0
    assert figures.burst_score == 5.0 and figures.growth == 5.0
    assert "近 1 小时 6 条" in figures.reasons[0]


def test_posts_join_events_by_near_copy_and_shared_keywords():
    events = [EventState(1, ("敬老院", "护工", "打人", "视频"), NOW - timedelta(hours=2), frozenset({10, 11})),
              EventState(2, ("低保", "年审"), NOW - timedelta(hours=100), frozenset({20}))]
    assert assign_event(30, NOW, ("转发",), 11, events).event_id == 1
    joined = assign_event(31, NOW, ("护工", "打人", "老人"), None, events)
    assert joined.event_id == 1 and "护工" in joined.reasons[0]
    assert assign_event(32, NOW, ("低保", "年审"), None, events, EventRules()).event_id is None


def test_keywords_skip_shared_names():
    words = post_keywords("榆川市民政局 敬老院护工殴打老人的视频在网上传开", ignore=["榆川市民政局"])
    assert "榆川市民政局" not in words and "护工" in words
    assert merge_keywords([("护工", "视频"), ("护工", "老人")])[0] == "护工"


def test_the_matter_most_posts_share_names_the_event_not_the_first_post():
    briefing = ("宣讲会", "养老", "高龄", "津贴", "居家", "举办")
    questions = [("高龄", "津贴", "到账", "何时"), ("高龄", "津贴", "到账", "拖"), ("津贴", "到账", "何时")]
    assert representative([briefing, *questions]) == 1
    assert representative([("低保", "拖"), ("低保", "拖")]) == 0
    assert representative([]) == 0


def test_media_and_emergency_raise_levels():
    assert media_tier("人民日报评论", {1: ("人民日报",), 2: ("省日报",)}) == 1
    media = assess_level(Signals(posts=1, negative_share=1.0, media_tier=2))
    assert media.level == 2 and media.colour == "orange" and "主流媒体" in media.reasons[0]
    red = assess_level(Signals(posts=3, negative_share=1.0, sensitive_words=("遇难",), emergency_words=("洪水",)))
    assert red.level == 1 and red.colour == "red" and red.name == "Ⅰ级（特别重大）"
    calm = assess_level(Signals(posts=1, negative_share=0.0, emergency_words=("台风",)))
    assert calm.level == 4 and calm.colour == "blue"
