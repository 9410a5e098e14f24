"""A small forum on 127.0.0.1 for the operations tests: list pages, post pages, hit counts.

Posts can be added while it runs (to make posts "appear over time"); every request is counted
by path so tests can tell how often each page was crawled. Post pages can be held: their requests
wait (counted in `held`) until released, so a test can act while pages are surely in flight.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PER_PAGE = 10
HOLD_LIMIT_SECONDS = 600


@dataclass
class ForumPost:
    """One post: number, title, body text and local publication time (YYYY-MM-DD HH:MM)."""

    number: int
    title: str
    body: str
    published: str


@dataclass
class Forum:
    """The site's content and its request log."""

    posts: list[ForumPost] = field(default_factory=list)
    hits: Counter = field(default_factory=Counter)
    post_delay: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)
    held: int = 0
    open_gate: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.open_gate.set()

    def hold_posts(self) -> None:
        """Make post-page requests wait until `release_posts` (list pages are still served)."""
        self.open_gate.clear()

    def release_posts(self) -> None:
        """Answer the held post-page requests and stop holding new ones."""
        self.open_gate.set()

    def wait_at_gate(self) -> None:
        """Block a post-page request while posts are held (at most HOLD_LIMIT_SECONDS)."""
        if self.open_gate.is_set():
            return
        with self.lock:
            self.held += 1
        self.open_gate.wait(HOLD_LIMIT_SECONDS)
        with self.lock:
            self.held -= 1

    def add(self, title: str, body: str, published: str) -> ForumPost:
        """Publish a new post (it appears first on page 1)."""
        with self.lock:
            post = ForumPost(len(self.posts) + 1, title, body, published)
            self.posts.append(post)
            return post

    def list_page(self, page: int) -> str:
        """Newest first, PER_PAGE a page, with a link to the next page when there is one."""
        with self.lock:
            newest = list(reversed(self.posts))
        rows = newest[(page - 1) * PER_PAGE: page * PER_PAGE]
        items = "".join(f'<li class="post"><a href="/post-{p.number}.html">{p.title}</a>'
                        f'<span class="date">{p.published}</span></li>' for p in rows)
        more = f'<a class="next" href="/forum-{page + 1}.html">下一页</a>' if len(newest) > page * PER_PAGE else ""
        return f"<html><body><ul>{items}</ul>{more}</body></html>"

    def post_page(self, number: int) -> str | None:
        """The post's own page, or None when there is no such post."""
        with self.lock:
            post = next((p for p in self.posts if p.number == number), None)
        if post is None:
            return None
        return (f'<html><body><h1 class="title">{post.title}</h1><span class="when">{post.published}</span>'
                f'<div class="body">{post.body}</div></body></html>')


def _handler(forum: Forum):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            forum.hits[self.path] += 1
            page = None
            if self.path.startswith("/forum-") and self.path.endswith(".html"):
                page = forum.list_page(int(self.path[len("/forum-"):-len(".html")]))
            elif self.path.startswith("/post-") and self.path.endswith(".html"):
                forum.wait_at_gate()
                if forum.post_delay:
                    time.sleep(forum.post_delay)
                page = forum.post_page(int(self.path[len("/post-"):-len(".html")]))
            body = (page or "<html>404</html>").encode("utf-8")
            try:
                self.send_response(200 if page else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client was killed while its request was held

        def log_message(self, *args):
            pass

    return Handler


class MockForumServer:
    """Serves a Forum on 127.0.0.1 (port chosen by the OS) from a background thread."""

    def __init__(self, forum: Forum):
        self.forum = forum
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(forum))
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """The site's base URL."""
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> MockForumServer:
        self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.forum.release_posts()
        self.httpd.shutdown()
        self.httpd.server_close()


def forum_source_yaml(key: str, base_url: str, interval_minutes: int = 60, max_pages: int = 10) -> str:
    """sources.yaml for crawling the mock forum quickly (no delay, no robots.txt). The time-out is
    long: on a loaded machine a crawler's event loop can stall for many seconds, and a timed-out
    request is fetched again, which the tests counting hits would take for a bug."""
    return f"""
concurrency_per_domain: 2
download_delay_seconds: 0
autothrottle: false
timeout_seconds: 120
retries: 1
sources:
  - key: {key}
    kind: html
    name: 测试论坛
    start_urls: [{base_url}/forum-1.html]
    obey_robots: false
    interval_minutes: {interval_minutes}
    max_pages: {max_pages}
    selectors:
      item: li.post
      link: a::attr(href)
      title: a::text
      date: span.date::text
      next_page: a.next::attr(href)
      body: div.body
      detail_title: h1.title::text
    date_formats: ["%Y-%m-%d %H:%M"]
"""
