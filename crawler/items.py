"""Items passed from spiders to the pipelines: plain dataclasses, no behaviour."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class PostItem:
    """One post, article, thread floor or message as a spider parsed it.

    Spiders fill the raw fields; the pipelines fill the ones marked "set by". `stream` names the
    list the post came from (a keyword, feed, start page, forum, or the comments of one post):
    incremental cursors are kept per stream. A comment names its thread: `thread_post` the post it
    is under and `thread_comment` the comment it replies to (``platform:platform_id`` keys), and
    `own_thread` says the post is one of the bureau's own.
    """

    source_key: str
    platform: str
    text: str
    platform_id: str = ""
    url: str = ""
    title: str = ""
    author: str = ""
    author_id: str = ""
    author_followers: int = 0
    author_verified_type: int = -1
    location: str = ""
    published_at: datetime | None = None
    reposts: int = 0
    comments: int = 0
    likes: int = 0
    reply_state: str = ""
    addressee: str = ""
    repost_of: str = ""
    thread_post: str = ""
    thread_comment: str = ""
    own_thread: bool = False
    stream: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    # set by CleanPipeline
    clean_text: str = ""
    clean_title: str = ""
    canonical_url: str = ""
    dedup_key: str = ""
    # set by MentionPipeline: the rule that kept it; own when one of the bureau's accounts wrote it
    mention_rule: str = ""
    own: bool = False
    # set by NearDuplicatePipeline: dedup_key of the original this post copies
    duplicate_of_key: str = ""
