"""The database schema: sources, posts, analysis, events, cases, audit, outbox, digests, users."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
    type_coerce,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import ColumnElement

from analysis.normalize import post_text
from yuqing.core.storage.types import UTCDateTime


class Base(DeclarativeBase):
    """Declarative base with a naming convention so migrations name constraints."""

    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[Any]: JSON}


Base.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Source(Base):
    """A watched source and its health."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    healthy: Mapped[bool] = mapped_column(Boolean, default=True)
    last_run_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    last_error_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    last_items: Mapped[int] = mapped_column(Integer, default=0)
    usual_items: Mapped[float] = mapped_column(Float, default=0.0)
    state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    runs: Mapped[list[SourceRun]] = relationship(back_populates="source")


class SourceRun(Base):
    """One crawl of one source: what it fetched and how it ended."""

    __tablename__ = "source_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16), default="running")
    pages: Mapped[int] = mapped_column(Integer, default=0)
    items: Mapped[int] = mapped_column(Integer, default=0)
    new_posts: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    error_reason: Mapped[str] = mapped_column(Text, default="")
    stats: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    source: Mapped[Source] = relationship(back_populates="runs")


class Post(Base):
    """A collected post that mentions the bureau, cleaned and attributed. ``own`` marks the bureau's
    own posts (kept to confirm what it published, never a case); a comment keeps its thread: the
    post it is under and, for a reply, the comment it answers."""

    __tablename__ = "posts"
    __table_args__ = (Index("ix_posts_published", "published_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dedup_key: Mapped[str] = mapped_column(String(512), unique=True)
    platform: Mapped[str] = mapped_column(String(32), index=True)
    platform_id: Mapped[str] = mapped_column(String(128), default="")
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"), index=True)
    url: Mapped[str] = mapped_column(Text, default="")
    canonical_url: Mapped[str] = mapped_column(Text, default="")
    title: Mapped[str] = mapped_column(Text, default="")
    clean_text: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(200), default="")
    author_id: Mapped[str] = mapped_column(String(128), default="")
    author_followers: Mapped[int] = mapped_column(BigInteger, default=0)
    author_verified_type: Mapped[int] = mapped_column(Integer, default=-1)
    location: Mapped[str] = mapped_column(String(64), default="")
    published_at: Mapped[datetime | None]
    fetched_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    reposts: Mapped[int] = mapped_column(BigInteger, default=0)
    comments: Mapped[int] = mapped_column(BigInteger, default=0)
    likes: Mapped[int] = mapped_column(BigInteger, default=0)
    mention_rule: Mapped[str] = mapped_column(String(200), default="")
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id"), index=True)
    reply_state: Mapped[str] = mapped_column(String(16), default="")
    addressee: Mapped[str] = mapped_column(String(200), default="")
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"), index=True)
    analyzed_at: Mapped[datetime | None]
    own: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    thread_post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id"), index=True)
    thread_comment_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id"))

    snapshots: Mapped[list[EngagementSnapshot]] = relationship(
        back_populates="post", order_by="EngagementSnapshot.taken_at"
    )
    assessment: Mapped[Assessment | None] = relationship(back_populates="post", uselist=False)
    event: Mapped[Event | None] = relationship(back_populates="posts")
    duplicate_of: Mapped[Post | None] = relationship(remote_side=[id], foreign_keys=[duplicate_of_id])
    thread_post: Mapped[Post | None] = relationship(remote_side=[id], foreign_keys=[thread_post_id])
    thread_comment: Mapped[Post | None] = relationship(remote_side=[id], foreign_keys=[thread_comment_id])

    @property
    def full_text(self) -> str:
        """The title and body as one text, as the crawl's filters and the analysis read it."""
        return post_text(self.title, self.clean_text)

    @hybrid_property
    def when(self) -> datetime:
        """When the post appeared: its publication time, else when it was fetched (also in SQL)."""
        return self.published_at or self.fetched_at

    @when.inplace.expression
    @classmethod
    def _when_expression(cls) -> ColumnElement[datetime]:
        return type_coerce(func.coalesce(cls.published_at, cls.fetched_at), UTCDateTime())


class EngagementSnapshot(Base):
    """Engagement counts of a post at one moment, for velocity."""

    __tablename__ = "engagement_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), index=True)
    taken_at: Mapped[datetime]
    reposts: Mapped[int] = mapped_column(BigInteger, default=0)
    comments: Mapped[int] = mapped_column(BigInteger, default=0)
    likes: Mapped[int] = mapped_column(BigInteger, default=0)

    post: Mapped[Post] = relationship(back_populates="snapshots")


class Event(Base):
    """Posts about one matter within a time window."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    keywords: Mapped[list[Any]] = mapped_column(JSON, default=list)
    topic: Mapped[str] = mapped_column(String(64), default="")
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    post_count: Mapped[int] = mapped_column(Integer, default=0)
    platform_count: Mapped[int] = mapped_column(Integer, default=0)
    growth: Mapped[float] = mapped_column(Float, default=0.0)
    burst_score: Mapped[float] = mapped_column(Float, default=0.0)
    hotness: Mapped[float] = mapped_column(Float, default=0.0)
    level: Mapped[int] = mapped_column(Integer, default=4)
    reasons: Mapped[list[Any]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime]

    posts: Mapped[list[Post]] = relationship(back_populates="event")


class Assessment(Base):
    """The current analysis of one post, with reasons a person can read."""

    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), unique=True)
    sentiment: Mapped[float] = mapped_column(Float)
    sentiment_label: Mapped[str] = mapped_column(String(16))
    negative: Mapped[float] = mapped_column(Float, default=0.0)
    actionable: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    department: Mapped[str] = mapped_column(String(16), default="", index=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    topic: Mapped[str] = mapped_column(String(64), default="")
    owner: Mapped[str] = mapped_column(String(64), default="")
    hotness: Mapped[float] = mapped_column(Float, default=0.0)
    level: Mapped[int] = mapped_column(Integer, default=4, index=True)
    reasons: Mapped[list[Any]] = mapped_column(JSON, default=list)
    model_version: Mapped[str] = mapped_column(String(64), default="")
    label_override: Mapped[str] = mapped_column(String(16), default="")
    label_override_by: Mapped[str] = mapped_column(String(64), default="")
    assessed_at: Mapped[datetime]

    post: Mapped[Post] = relationship(back_populates="assessment")

    @property
    def effective_label(self) -> str:
        """The sentiment label a person set, else the analysis's (``responder.digest.volume.sentiment_label``
        is the same rule in SQL)."""
        return self.label_override or self.sentiment_label


class Case(Base):
    """An item in the reply queue: one per event, owned by a named person."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"), index=True)
    title: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    level: Mapped[int] = mapped_column(Integer, default=4)
    topic: Mapped[str] = mapped_column(String(64), default="")
    department: Mapped[str] = mapped_column(String(16), default="", index=True)
    platform: Mapped[str] = mapped_column(String(32), default="")
    state: Mapped[str] = mapped_column(String(24), index=True)
    owner: Mapped[str] = mapped_column(String(64), default="", index=True)
    approvers: Mapped[list[Any]] = mapped_column(JSON, default=list)
    emergency: Mapped[bool] = mapped_column(Boolean, default=False)
    detected_at: Mapped[datetime]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    triaged_at: Mapped[datetime | None]
    first_response_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    deadline_at: Mapped[datetime | None]
    clock: Mapped[str] = mapped_column(String(32), default="")
    reminders_sent: Mapped[list[Any]] = mapped_column(JSON, default=list)
    breached_at: Mapped[datetime | None]
    escalation_step: Mapped[int] = mapped_column(Integer, default=0)
    published_url: Mapped[str] = mapped_column(Text, default="")
    suggestions: Mapped[list[Any]] = mapped_column(JSON, default=list)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    actions: Mapped[list[CaseAction]] = relationship(back_populates="case", order_by="CaseAction.id")
    posts: Mapped[list[CasePost]] = relationship(back_populates="case", order_by="CasePost.id")
    drafts: Mapped[list[Draft]] = relationship(back_populates="case", order_by="Draft.version")
    revisits: Mapped[list[Revisit]] = relationship(back_populates="case", order_by="Revisit.round")
    verifications: Mapped[list[Verification]] = relationship(back_populates="case", order_by="Verification.id")
    transfers: Mapped[list[Transfer]] = relationship(back_populates="case", order_by="Transfer.id")
    event: Mapped[Event | None] = relationship()

    __mapper_args__ = {"version_id_col": version}


class CasePost(Base):
    """A post on a case's timeline: the event's posts across platforms, each attached once."""

    __tablename__ = "case_posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), unique=True)
    attached_at: Mapped[datetime]

    case: Mapped[Case] = relationship(back_populates="posts")
    post: Mapped[Post] = relationship()


class CaseAction(Base):
    """An append-only audit row: who moved a case, when, from where to where, and why."""

    __tablename__ = "case_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]
    action: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str] = mapped_column(String(24), default="")
    to_state: Mapped[str] = mapped_column(String(24), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    draft_version: Mapped[int | None] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    case: Mapped[Case] = relationship(back_populates="actions")


class Draft(Base):
    """One version of a reply being prepared for a case."""

    __tablename__ = "drafts"
    __table_args__ = (UniqueConstraint("case_id", "version", name="uq_drafts_case_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    platform: Mapped[str] = mapped_column(String(32), default="")
    author: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="draft")
    citations: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime]
    decided_by: Mapped[str] = mapped_column(String(64), default="")
    decided_at: Mapped[datetime | None]

    case: Mapped[Case] = relationship(back_populates="drafts")


class Revisit(Base):
    """回访: one follow-up of an answered case with the citizen, due in working days; the outcome
    and satisfaction once staff have reached them."""

    __tablename__ = "revisits"
    __table_args__ = (UniqueConstraint("case_id", "round", name="uq_revisits_case_round"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    round: Mapped[int] = mapped_column(Integer, default=1)
    owner: Mapped[str] = mapped_column(String(64), default="", index=True)
    created_at: Mapped[datetime]
    due_at: Mapped[datetime] = mapped_column(index=True)
    reminded_at: Mapped[datetime | None]
    done_at: Mapped[datetime | None] = mapped_column(index=True)
    done_by: Mapped[str] = mapped_column(String(64), default="")
    method: Mapped[str] = mapped_column(String(32), default="")
    outcome: Mapped[str] = mapped_column(Text, default="")
    satisfaction: Mapped[str] = mapped_column(String(16), default="")

    case: Mapped[Case] = relationship(back_populates="revisits")


class Verification(Base):
    """核实: the verification task of a rumour case, its evidence and, once done, the verdict and finding."""

    __tablename__ = "verifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    owner: Mapped[str] = mapped_column(String(64), default="")
    opened_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime]
    due_at: Mapped[datetime]
    done_at: Mapped[datetime | None]
    done_by: Mapped[str] = mapped_column(String(64), default="")
    verdict: Mapped[str] = mapped_column(String(16), default="")
    finding: Mapped[str] = mapped_column(Text, default="")

    case: Mapped[Case] = relationship(back_populates="verifications")
    evidence: Mapped[list[Evidence]] = relationship(back_populates="verification", order_by="Evidence.id")


class Evidence(Base):
    """One piece of evidence of a verification: who added it when, its source, a note, a link or file name."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    verification_id: Mapped[int] = mapped_column(ForeignKey("verifications.id"), index=True)
    added_by: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[datetime]
    source: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(Text, default="")
    file_name: Mapped[str] = mapped_column(String(255), default="")

    verification: Mapped[Verification] = relationship(back_populates="evidence")


class Transfer(Base):
    """A case handed or referred to another unit (网信, 公安): who sent it when, and the unit's answer once recorded."""

    __tablename__ = "transfers"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    unit: Mapped[str] = mapped_column(String(64))
    sent_by: Mapped[str] = mapped_column(String(64))
    sent_at: Mapped[datetime]
    note: Mapped[str] = mapped_column(Text, default="")
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime | None]
    recorded_by: Mapped[str] = mapped_column(String(64), default="")

    case: Mapped[Case] = relationship(back_populates="transfers")


class Notification(Base):
    """An alert in the outbox: written first, delivered by its channel later."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dedup_key: Mapped[str] = mapped_column(String(255), unique=True)
    channel: Mapped[str] = mapped_column(String(32))
    recipient: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(Text, default="")
    body_text: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    level: Mapped[int] = mapped_column(Integer, default=4)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")

    attachments: Mapped[list[NotificationAttachment]] = relationship(
        back_populates="notification", order_by="NotificationAttachment.id"
    )


class NotificationAttachment(Base):
    """A file carried by an email notification; content_id set means an inline image."""

    __tablename__ = "notification_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notifications.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    mime_type: Mapped[str] = mapped_column(String(100))
    content_id: Mapped[str] = mapped_column(String(100), default="")
    content: Mapped[bytes] = mapped_column(LargeBinary)

    notification: Mapped[Notification] = relationship(back_populates="attachments")


class Digest(Base):
    """A weekly digest: built once per ISO week, sent once unless forced."""

    __tablename__ = "digests"

    id: Mapped[int] = mapped_column(primary_key=True)
    week: Mapped[str] = mapped_column(String(10), unique=True)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16), default="built")
    recipients: Mapped[list[Any]] = mapped_column(JSON, default=list)
    figures: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    notification_id: Mapped[int | None] = mapped_column(ForeignKey("notifications.id"))


class User(Base):
    """A web desk account tied to a staff member."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    staff_key: Mapped[str] = mapped_column(String(64), default="")
    display_name: Mapped[str] = mapped_column(String(100), default="")
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
