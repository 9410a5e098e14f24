"""Is the bureau's reply on a published page, from the bureau's own account? One fetch, one verdict."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

import requests

from analysis.normalize import clean_text

SENTENCE_END = re.compile(r"[。！？!?；;\n]+")
NOT_WORD = re.compile(r"[\W_]+")
MIN_SENTENCE = 4


@dataclass(frozen=True)
class Page:
    """What a fetch returned: the HTTP status, its content type and (at most the size limit of) its body."""

    status: int
    content_type: str
    body: bytes


@dataclass(frozen=True)
class Sighting:
    """One check's verdict: seen, missing (page there, reply not), gone (page removed) or error (unknown)."""

    status: str
    detail: str
    account: str = ""

    @property
    def definite(self) -> bool:
        """True when the page answered clearly (an error says nothing about the reply)."""
        return self.status != "error"


Fetcher = Callable[[str], Page]


def compact(text: str) -> str:
    """Text reduced to its letters, digits and CJK characters, for matching across markup and punctuation."""
    return NOT_WORD.sub("", clean_text(text)).lower()


def reply_sentences(reply: str) -> list[str]:
    """The reply's sentences worth looking for (compacted; very short ones say nothing)."""
    parts = [compact(part) for part in SENTENCE_END.split(reply)]
    return [part for part in parts if len(part) >= MIN_SENTENCE] or [compact(reply)]


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def page_text(page: Page) -> str:
    """The page's readable text: every string of a JSON answer in order, else the visible HTML text."""
    raw = page.body.decode("utf-8", errors="replace")
    if "json" in page.content_type:
        try:
            return "\n".join(clean_text(s) for s in _strings(json.loads(raw)))
        except ValueError:
            pass
    return clean_text(raw)


def reply_share(text: str, reply: str) -> float:
    """The share of the reply's sentences that the text carries."""
    page, wanted = compact(text), reply_sentences(reply)
    return sum(s in page for s in wanted) / len(wanted)


def find_reply(text: str, reply: str, accounts: list[str], min_share: float, window: int) -> Sighting:
    """Seen when at least `min_share` of the reply's sentences are on the page and one of the bureau's
    accounts is named within `window` characters before the first of them."""
    page, wanted = compact(text), reply_sentences(reply)
    found = [s for s in wanted if s in page]
    if not found or len(found) / len(wanted) < min_share:
        return Sighting("missing", f"页面上未见回复内容（找到 {len(found)}/{len(wanted)} 句）")
    start = min(page.find(s) for s in found)
    before = page[max(0, start - window):start]
    account = next((name for name in accounts if compact(name) and compact(name) in before), "")
    if not account:
        return Sighting("missing", f"页面上有回复内容，但未见本局账号（{'、'.join(accounts) or '未配置账号'}）署名")
    return Sighting("seen", f"本局账号「{account}」的回复已在页面上（{len(found)}/{len(wanted)} 句）", account)


def look(url: str, reply: str, accounts: list[str], fetch: Fetcher, *, min_share: float, window: int) -> Sighting:
    """Fetch the published link once and judge it; network trouble and server errors are `error`."""
    try:
        page = fetch(url)
    except requests.RequestException as exc:
        return Sighting("error", f"无法打开发布链接：{type(exc).__name__}")
    if page.status in (404, 410):
        return Sighting("gone", f"发布链接已失效（HTTP {page.status}）")
    if page.status >= 400:
        return Sighting("error", f"发布链接暂时打不开（HTTP {page.status}）")
    return find_reply(page_text(page), reply, accounts, min_share, window)


def http_fetcher(user_agent: str, timeout: float, max_bytes: int) -> Fetcher:
    """A fetcher over HTTP(S) that reads at most `max_bytes` of the body."""

    def fetch(url: str) -> Page:
        """GET the link, following a few redirects."""
        with requests.Session() as session:
            session.max_redirects = 5
            with session.get(url, headers={"User-Agent": user_agent}, timeout=timeout, stream=True) as response:
                body = b""
                for chunk in response.iter_content(64 * 1024):
                    body += chunk
                    if len(body) >= max_bytes:
                        break
                return Page(response.status_code, response.headers.get("Content-Type", ""), body[:max_bytes])

    return fetch
