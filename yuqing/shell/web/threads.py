"""Comment threads under the bureau's own posts, as the case page shows them: the bureau's post, the
comment replied to (if any) and the comments beside the case's own, oldest first, personal data
masked as in the 专报 and the digest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from responder.privacy import mask_personal
from yuqing.core.storage.models import Post

SHOWN_REPLIES = 30


@dataclass(frozen=True)
class ThreadEntry:
    """One post of a thread as the page shows it."""

    post_id: int
    author: str
    own: bool
    at: datetime | None
    text: str
    url: str
    in_case: bool


@dataclass(frozen=True)
class Thread:
    """The bureau's post, the comment replied to, and the replies beside the case's posts (the
    newest `SHOWN_REPLIES` and every one of the case's; `hidden` older ones are left out)."""

    post: ThreadEntry
    comment: ThreadEntry | None
    replies: list[ThreadEntry]
    hidden: int


def entry(post: Post, in_case: bool = False) -> ThreadEntry:
    """A post of a thread, its author and text masked."""
    return ThreadEntry(post.id, mask_personal(post.author) or "匿名", post.own, post.when,
                       mask_personal(post.clean_text), post.url, in_case)


def case_threads(session: Session, posts: list[Post], shown: int = SHOWN_REPLIES) -> list[Thread]:
    """The threads of a case's posts that are comments under one of the bureau's own posts, one per
    parent post and comment, in the order of the case's posts."""
    in_case = {post.id for post in posts}
    threads: dict[tuple[int, int | None], Thread] = {}
    for post in posts:
        parent = post.thread_post
        place = (post.thread_post_id, post.thread_comment_id)
        if parent is None or not parent.own or place in threads:
            continue
        under = Post.thread_comment_id.is_(None) if post.thread_comment_id is None else (
            Post.thread_comment_id == post.thread_comment_id)
        replies = sorted(session.scalars(select(Post).where(Post.thread_post_id == parent.id, under)),
                         key=lambda reply: (reply.when, reply.id))
        kept = [reply for index, reply in enumerate(replies) if index >= len(replies) - shown or reply.id in in_case]
        comment = post.thread_comment
        threads[place] = Thread(entry(parent), entry(comment) if comment is not None else None,
                                [entry(reply, reply.id in in_case) for reply in kept], len(replies) - len(kept))
    return list(threads.values())
