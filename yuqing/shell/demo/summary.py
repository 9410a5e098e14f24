"""What the demo prints at the end: figures read back from the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yuqing.core.config import Settings
from yuqing.core.storage.models import Assessment, Case, Notification, Post, SourceRun


@dataclass
class DemoSummary:
    """Counts from one demo cycle."""

    fetched: int = 0
    posts: int = 0
    near_copies: int = 0
    negative: int = 0
    hot: int = 0
    cases_by_owner: dict[str, int] = field(default_factory=dict)
    alerts_by_channel: dict[str, int] = field(default_factory=dict)
    mail_files: list[Path] = field(default_factory=list)
    digest_file: Path | None = None
    accounts: dict[str, str] = field(default_factory=dict)
    own_posts: int = 0
    thread: list[str] = field(default_factory=list)


def _count(session: Session, stmt) -> int:
    return session.scalar(stmt) or 0


def collect_summary(session: Session, settings: Settings) -> DemoSummary:
    """Read the demo's figures: posts, negative and hot items, cases per owner, alerts sent."""
    summary = DemoSummary()
    summary.fetched = _count(session, select(func.sum(SourceRun.items)))
    summary.posts = _count(session, select(func.count()).where(Post.own.is_(False)))
    summary.own_posts = _count(session, select(func.count()).where(Post.own.is_(True)))
    summary.thread = busiest_own_thread(session)
    summary.near_copies = _count(session, select(func.count()).where(Post.duplicate_of_id.is_not(None)))
    summary.negative = _count(
        session, select(func.count()).select_from(Assessment).where(Assessment.sentiment_label == "negative")
    )
    summary.hot = _count(
        session,
        select(func.count()).select_from(Assessment).where(
            Assessment.hotness >= settings.response.thresholds.min_hotness
        ),
    )
    names = {m.key: m.name for m in settings.staff.members}
    rows = session.execute(select(Case.owner, func.count()).group_by(Case.owner))
    summary.cases_by_owner = {names.get(owner, owner or "（未分派）"): n for owner, n in rows}
    rows = session.execute(
        select(Notification.channel, func.count()).where(Notification.status == "sent").group_by(Notification.channel)
    )
    summary.alerts_by_channel = dict(rows.all())
    return summary


def busiest_own_thread(session: Session, width: int = 36) -> list[str]:
    """The bureau's own post with the most stored comments, as indented lines: the post, its
    comments, and under each the replies (the bureau's own marked 本局)."""
    counts = (select(Post.thread_post_id, func.count().label("n")).where(Post.thread_post_id.is_not(None))
              .group_by(Post.thread_post_id).subquery())
    post = session.scalars(select(Post).join(counts, counts.c.thread_post_id == Post.id)
                           .where(Post.own.is_(True)).order_by(counts.c.n.desc(), Post.id)).first()
    if post is None:
        return []
    comments = list(session.scalars(select(Post).where(Post.thread_post_id == post.id)
                                    .order_by(Post.published_at, Post.id)))

    def line(item: Post, depth: int) -> str:
        who = f"{item.author}（本局）" if item.own else item.author
        return f"{'  ' * depth}└ {who}：{_short(item.clean_text, width)}"

    lines = [f"{post.author}：{_short(post.clean_text, width)}（评论 {post.comments}）"]
    for comment in (c for c in comments if c.thread_comment_id is None):
        lines.append(line(comment, 1))
        lines += [line(reply, 2) for reply in comments if reply.thread_comment_id == comment.id]
    return lines


def _short(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[:width - 1] + "…"


def format_summary(summary: DemoSummary) -> str:
    """The summary as the Chinese text the demo prints."""
    cases = "，".join(f"{name} {n} 件" for name, n in sorted(summary.cases_by_owner.items())) or "无"
    alerts = "，".join(f"{ch} {n} 条" for ch, n in sorted(summary.alerts_by_channel.items())) or "无"
    lines = [
        "== yuqing 演示完成 ==",
        f"采集条目: {summary.fetched}；提及本局并入库: {summary.posts}（其中转发/洗稿副本 {summary.near_copies}）；"
        f"本局账号发布 {summary.own_posts}",
        f"负面: {summary.negative}；热点: {summary.hot}",
        f"工单（按承办人）: {cases}",
        f"已发送提醒: {alerts}；邮件文件 {len(summary.mail_files)} 封",
        f"舆情周报: {summary.digest_file or '未生成'}",
    ]
    if summary.thread:
        lines.append("本局微博下的评论（一例）:")
        lines += [f"  {line}" for line in summary.thread]
    if summary.accounts:
        lines.append("网页工作台账号（用户名 / 密码）:")
        lines += [f"  {user} / {password}" for user, password in sorted(summary.accounts.items())]
    return "\n".join(lines)
