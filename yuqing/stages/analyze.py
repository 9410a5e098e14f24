"""The analysis stage: the database edge around the pure ``analysis`` package.

Reads posts not analysed since they last changed, writes one Assessment per post (updated in
place, staff re-labels kept), joins posts to Events, refreshes the figures and level of every
event it touched, and stamps Post.analyzed_at. Only new or changed posts and their events are
read, so a run costs what arrived since the last one.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from analysis.assess import (AnalysisRules, Judges, PostFacts, SourceContext, TextAssessment, assess_post,
                             assess_texts)
from analysis.department import BusinessVocabulary, vocabulary_from
from analysis.mention import MonitoringScheme
from analysis.events import (EventFigures, EventRules, EventState, assign_event, event_figures, merge_keywords,
                             post_keywords, representative)
from analysis.hotness import HotnessWeights, Snapshot
from analysis.levels import Level, LevelRules, Signals, assess_level, media_tier, words_in
from analysis.normalize import kept_title
from analysis.sentiment import SentimentModel, get_sentiment_model
from responder.privacy import headline
from yuqing.core.config import Settings
from yuqing.core.config.scheme import business_lists, scheme_lists
from yuqing.core.storage.db import transaction
from yuqing.core.storage.models import Assessment, Event, Post, Source

log = logging.getLogger(__name__)
BATCH = 500
KEYWORDS = "analysis_keywords"
EVENT_TITLE_CHARS = 60


@dataclass
class AnalyzeReport:
    """What one run did."""

    analyzed: int = 0
    created_assessments: int = 0
    updated_assessments: int = 0
    new_events: int = 0
    touched_events: int = 0
    levels: dict[int, int] = field(default_factory=dict)


@lru_cache(maxsize=4)
def _model(name: str, path: str, negative_below: float, positive_above: float) -> SentimentModel:
    options = {"model_path": path} if path else {}
    return get_sentiment_model(name, negative_below=negative_below, positive_above=positive_above, **options)


def sentiment_model(settings: Settings) -> SentimentModel:
    """The configured sentiment model, loaded once per process."""
    s = settings.analysis.sentiment
    return _model(s.model, s.model_path, s.negative_below, s.positive_above)


@lru_cache(maxsize=4)
def _vocabularies(scheme: str, business: str) -> tuple[MonitoringScheme, BusinessVocabulary]:
    return MonitoringScheme.build(**json.loads(scheme)), vocabulary_from(json.loads(business))


def judges(settings: Settings) -> Judges:
    """The configured models, business vocabulary and monitoring scheme, built once per profile."""
    scheme, business = _vocabularies(json.dumps(scheme_lists(settings), ensure_ascii=False),
                                     json.dumps(business_lists(settings), ensure_ascii=False))
    return Judges(sentiment_model(settings), business, scheme)


def source_context(post: Post, config: Any) -> SourceContext:
    """Where a stored post was found (``config``: its source's configuration, if any), as the analysis
    sees it; a comment under one of the bureau's own posts is addressed to it, in that thread."""
    title = kept_title(post.title, post.clean_text)
    parent = post.thread_post
    own_thread = parent.dedup_key if parent is not None and parent.own else ""
    addressed = bool(config and config.is_addressed) or bool(own_thread)
    return SourceContext(title, bool(config and config.is_local), addressed, own_thread)


def analysis_rules(settings: Settings) -> AnalysisRules:
    """Everything configurable the pure analysis needs, as plain values."""
    a = settings.analysis
    levels = a.levels.model_dump(exclude={"emergency_words", "media_tiers"})
    return AnalysisRules(
        sensitive_words=tuple(a.sensitive_words),
        emergency_words=tuple(a.levels.emergency_words),
        media_tiers={tier: tuple(names) for tier, names in a.levels.media_tiers.items()},
        hotness=HotnessWeights(**a.hotness.model_dump()), levels=LevelRules(**levels))


def event_rules(settings: Settings) -> EventRules:
    """How posts join events, from config."""
    return EventRules(window=timedelta(hours=settings.analysis.event_window_hours),
                      **settings.analysis.events.model_dump())


def shared_names(settings: Settings) -> tuple[str, ...]:
    """Names every post about the bureau shares, left out of event keywords."""
    b = settings.bureau
    return (b.name, b.short_name, *b.aliases, *b.account_names, b.city, *b.region_names, *b.districts,
            *b.generic_names, "民政")


def event_title(post: Post) -> str:
    """A one-line event title: the post's title, else the first non-empty line of its text."""
    return headline(post.title, post.clean_text, EVENT_TITLE_CHARS)


def pending(session: Session, limit: int) -> list[Post]:
    """Posts never analysed or changed since they were, oldest first; the bureau's own posts are
    kept as a record of what it published, never analysed as mentions."""
    fresh = or_(Post.analyzed_at.is_(None), Post.analyzed_at < Post.updated_at)
    query = (select(Post).where(Post.own.is_(False), fresh)
             .order_by(Post.id).limit(limit))
    return list(session.scalars(query))


def _facts(post: Post) -> PostFacts:
    snaps = tuple(Snapshot(s.taken_at, s.reposts, s.comments, s.likes) for s in post.snapshots)
    return PostFacts(post.full_text, post.author, post.reposts, post.comments, post.likes,
                     post.author_followers, post.author_verified_type, snaps)


def _write_assessment(session: Session, post: Post, text: TextAssessment, rules: AnalysisRules,
                      model: SentimentModel, now: datetime) -> bool:
    """Create or update the post's assessment; True when it was created."""
    result = assess_post(_facts(post), text, rules, now)
    row = post.assessment
    created = row is None
    if created:
        row = Assessment(post=post, sentiment=0.0, sentiment_label="", kind="", assessed_at=now)
        session.add(row)
    row.sentiment, row.sentiment_label = text.sentiment.positive, text.label
    row.negative, row.actionable, row.department = text.negative, text.actionable, text.department_name
    row.kind, row.topic, row.owner = text.kind.kind, text.topic.key, text.owner
    row.hotness, row.level, row.reasons = result.hotness.score, result.level.level, result.reasons
    row.model_version, row.assessed_at = model.version, now
    return created


def open_events(session: Session, now: datetime, rules: EventRules) -> dict[int, EventState]:
    """Events seen within the window, with the ids of their posts."""
    events = list(session.scalars(select(Event).where(Event.last_seen_at >= now - rules.window)))
    members: dict[int, set[int]] = {event.id: set() for event in events}
    if members:
        for post_id, event_id in session.execute(select(Post.id, Post.event_id).where(Post.event_id.in_(members))):
            members[event_id].add(post_id)
    return {e.id: EventState(e.id, tuple(e.keywords), e.last_seen_at, frozenset(members[e.id]), e.topic)
            for e in events}


def _new_event(session: Session, post: Post, keywords: tuple[str, ...], topic: str, now: datetime) -> Event:
    event = Event(title=event_title(post), summary=post.full_text[:200], keywords=list(keywords), topic=topic,
                  first_seen_at=post.when, last_seen_at=post.when, updated_at=now)
    session.add(event)
    session.flush()
    return event


def _place(session: Session, post: Post, keywords: tuple[str, ...], states: dict[int, EventState],
           topic: str, now: datetime, rules: EventRules) -> bool:
    """Set the post's event (its near-copy's, a matching open one or a new one); True when new."""
    found = assign_event(post.id, post.when, keywords, post.duplicate_of_id, list(states.values()), rules)
    event = session.get(Event, found.event_id) if found.event_id else None
    if event is None:
        post.event_id = _new_event(session, post, keywords, topic, now).id
        return True
    post.event_id = event.id
    return False


def _remember(states: dict[int, EventState], post: Post, keywords: tuple[str, ...], rules: EventRules) -> None:
    """Update the in-run view of the post's event so later posts of this run can join it."""
    old = states.get(post.event_id)
    if old is None:
        states[post.event_id] = EventState(post.event_id, keywords, post.when, frozenset({post.id}))
        return
    merged = merge_keywords([old.keywords, keywords], rules.keywords_per_event)
    states[post.event_id] = EventState(post.event_id, merged, max(post.when, old.last_seen),
                                       old.post_ids | {post.id})


def join_events(session: Session, posts: list[Post], topics: dict[int, str], settings: Settings,
                now: datetime, report: AnalyzeReport) -> set[int]:
    """Give each post an event and remember its keywords; returns the ids of the events touched."""
    rules, ignore = event_rules(settings), shared_names(settings)
    states = open_events(session, now, rules)
    for post in sorted(posts, key=lambda post: post.when):
        keywords = post_keywords(post.full_text, ignore, rules.keywords_per_post)
        post.extra = {**(post.extra or {}), KEYWORDS: list(keywords)}
        if post.event_id is None and post.thread_post is not None and post.thread_post.event_id:
            post.event_id = post.thread_post.event_id
        if post.event_id is None:
            report.new_events += _place(session, post, keywords, states, topics.get(post.id, ""), now, rules)
        _remember(states, post, keywords, rules)
    return {post.event_id for post in posts}


def _label(row: Assessment | None) -> str:
    return row.effective_label if row else ""


def event_signals(posts: list[Post], rules: AnalysisRules, figures_burst: float) -> Signals:
    """An event's level inputs from its posts and their assessments."""
    rows = [post.assessment for post in posts if post.assessment]
    negative = sum(_label(row) == "negative" for row in rows) / max(len(rows), 1)
    text = "\n".join(post.full_text for post in posts)
    tiers = [tier for tier in (media_tier(post.author, rules.media_tiers) for post in posts) if tier]
    return Signals(len(posts), len({post.platform for post in posts}), negative,
                   max((row.hotness for row in rows), default=0.0), figures_burst, min(tiers, default=0),
                   words_in(text, rules.sensitive_words), words_in(text, rules.emergency_words))


def _describe(event: Event, posts: list[Post], figures: EventFigures, level: Level, rules: EventRules) -> None:
    """Write an event's title, summary, figures, keywords, topic, level and reasons."""
    posts = sorted(posts, key=lambda post: (post.when, post.id))
    times = [post.when for post in posts]
    posts_keywords = [(post.extra or {}).get(KEYWORDS, []) for post in posts]
    lead = posts[representative(posts_keywords)]
    event.title, event.summary = event_title(lead), lead.full_text[:200]
    rows = [post.assessment for post in posts if post.assessment]
    topics = Counter(row.topic for row in rows if row.topic)
    event.keywords = list(merge_keywords(posts_keywords, rules.keywords_per_event))
    event.topic = topics.most_common(1)[0][0] if topics else event.topic
    event.first_seen_at, event.last_seen_at = min(times), max(times)
    event.post_count, event.platform_count = len(posts), len({post.platform for post in posts})
    event.growth, event.burst_score = figures.growth, figures.burst_score
    event.hotness = max((row.hotness for row in rows), default=0.0)
    event.level = level.level
    event.reasons = [*figures.reasons, f"{level.name}：{'；'.join(level.reasons)}"]


def refresh_event(session: Session, event_id: int, settings: Settings, now: datetime) -> Event:
    """Recompute an event's figures and level from all of its posts; its posts' levels rise with it."""
    event, rules, erules = session.get(Event, event_id), analysis_rules(settings), event_rules(settings)
    query = select(Post).where(Post.event_id == event_id).options(selectinload(Post.assessment)).order_by(Post.id)
    posts = list(session.scalars(query))
    figures = event_figures([post.when for post in posts], now, erules)
    level = assess_level(event_signals(posts, rules, figures.burst_score), rules.levels)
    _describe(event, posts, figures, level, erules)
    event.updated_at = now
    for post in posts:
        if post.assessment and post.assessment.level > level.level:
            post.assessment.level = level.level
    return event


def _analyze_batch(session: Session, posts: list[Post], settings: Settings, now: datetime,
                   report: AnalyzeReport) -> None:
    model, rules = sentiment_model(settings), analysis_rules(settings)
    configs = {source.key: source for source in settings.sources.sources}
    keys: dict[int, str] = {row.id: row.key for row in session.execute(select(Source.id, Source.key))}
    contexts = [source_context(post, configs.get(keys.get(post.source_id, ""))) for post in posts]
    bodies = [post.clean_text for post in posts]
    texts = assess_texts(bodies, judges(settings), contexts, [True] * len(posts))
    for post, text in zip(posts, texts):
        created = _write_assessment(session, post, text, rules, model, now)
        report.created_assessments += created
        report.updated_assessments += not created
        post.analyzed_at = max(now, post.updated_at)
    topics = {post.id: text.topic.key for post, text in zip(posts, texts)}
    for event_id in sorted(join_events(session, posts, topics, settings, now, report)):
        event = refresh_event(session, event_id, settings, now)
        report.levels[event.level] = report.levels.get(event.level, 0) + 1
        report.touched_events += 1
    report.analyzed += len(posts)


def analyze_pending(session_factory: sessionmaker[Session], settings: Settings, now: datetime,
                    batch: int = BATCH) -> AnalyzeReport:
    """Analyse every post that is new or changed since its last analysis, in batches."""
    report, done = AnalyzeReport(), set[int]()
    while True:
        with transaction(session_factory) as session:
            posts = [post for post in pending(session, batch) if post.id not in done]
            if not posts:
                break
            _analyze_batch(session, posts, settings, now, report)
            done.update(post.id for post in posts)
    log.info("分析完成：%d 条帖子，新事件 %d 个，更新事件 %d 个", report.analyzed, report.new_events,
             report.touched_events)
    return report
