"""Sources to watch: one entry per site, grouped by the kind of spider that reads it."""

import re
from typing import Annotated, Any, Literal, Union

import jmespath
from jmespath.exceptions import JMESPathError
from pydantic import AfterValidator, Field, field_validator, model_validator

from yuqing.core.config.base import Section

ENV_NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"
PLACEHOLDER = re.compile(r"{(\w+)}")
PAGING_NAMES = {"page", "offset", "size", "cursor", "keyword"}


def jmespath_checked(expression: str) -> str:
    """The expression itself when it compiles as JMESPath (empty: not mapped); else a one-line error."""
    if expression:
        try:
            jmespath.compile(expression)
        except JMESPathError as exc:
            raise ValueError(f"JMESPath 表达式 {expression!r} 无效: {str(exc).splitlines()[0]}") from None
    return expression


JMESPath = Annotated[str, AfterValidator(jmespath_checked)]


class LoginProfile(Section):
    """A platform's QR login (`yuqing login SOURCE`) and how its answers say the session has expired."""

    url: str = Field(pattern=r"^https?://", description="The login page that shows a QR code")
    open_selector: str = Field(default="", description="Clicked first when the page does not show the QR code by itself")
    qr_selector: str = Field(default="img", description="CSS selector of the QR code (an image or a canvas)")
    done_cookie: str = Field(description="Cookie whose appearance or new value means the scan logged in")
    wait_seconds: float = Field(default=180.0, gt=0, description="How long to wait for the scan")
    expired: JMESPath = Field(default="", description="JMESPath that is truthy on an answer of an expired session")
    expired_url: str = Field(default="", description="A page URL containing this means the session has expired")


class SourceBase(Section):
    """Fields every source has, whatever its kind."""

    key: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", description="Stable short id")
    name: str
    enabled: bool = True
    platform: str = Field(default="", description="Platform label stored on posts; defaults to the kind")
    interval_minutes: int = Field(default=30, ge=1)
    max_pages: int = Field(default=5, ge=1)
    obey_robots: bool = True
    cookies_env: str = Field(default="", description="Environment variable holding a Cookie header")
    silent_alert_hours: float = Field(default=24.0, gt=0, description="Alert when no success for this long")
    user_agent: str = Field(default="", description="Overrides the crawl-wide user agent for this source")
    download_delay_seconds: float | None = Field(default=None, ge=0, description="Overrides the crawl-wide delay")
    local: bool | None = Field(
        default=None, description="The city's own source (region given by construction); default: boards are"
    )
    realtime: bool | None = Field(
        default=None, description="Searched by temporary watches on hot events; default: Weibo real-time search"
    )
    render: Literal["http", "browser"] = Field(
        default="http", description="browser: every request of the source goes through the crawl's headless browser"
    )
    login: LoginProfile | None = Field(default=None, description="How `yuqing login` signs in and how expiry shows")

    @property
    def needs_browser(self) -> bool:
        """Whether the source's requests go through the crawl's headless browser."""
        return self.render == "browser" or getattr(self, "kind", "") == "browser"

    @property
    def is_local(self) -> bool:
        """Whether the source is the city's own: configured, else true for message boards."""
        return self.local if self.local is not None else getattr(self, "kind", "") == "board"

    @property
    def is_realtime(self) -> bool:
        """Whether watches search it: configured, else true for Weibo's real-time search (type 61)."""
        if self.realtime is not None:
            return self.realtime
        return getattr(self, "kind", "") == "weibo" and getattr(self, "search_type", 0) == 61

    @property
    def is_addressed(self) -> bool:
        """Whether its posts are addressed to government (a message board, comments under the bureau's posts)."""
        return getattr(self, "kind", "") in ("board", "weibo_account")


class CommentBounds(Section):
    """How far the comments under one post are read in one run: cursor pages of first-level comments
    (stopping earlier at a page with nothing new), pages of replies under each, and counts."""

    pages_per_post: int = Field(default=3, ge=1, description="Pages of first-level comments per post")
    reply_pages: int = Field(default=2, ge=0, description="Pages of second-level replies per comment (0: none)")
    max_per_post: int = Field(default=100, ge=1, description="Comments and replies kept per post and run")
    max_per_run: int = Field(default=500, ge=1, description="Comments and replies read per source and run")


class HotComments(CommentBounds):
    """Comments under the hottest search results about the bureau (off unless enabled)."""

    enabled: bool = False
    min_comments: int = Field(default=20, ge=0, description="A post is hot from this many comments")
    max_posts: int = Field(default=5, ge=1, description="Hot posts whose comments are read per run")


class WeiboSource(SourceBase):
    """Weibo mobile search JSON (m.weibo.cn container API)."""

    kind: Literal["weibo"]
    base_url: str = "https://m.weibo.cn"
    keywords: list[str] = Field(
        default_factory=list, description="Search words; empty: the monitoring scheme's names and city + event words"
    )
    max_keywords: int = Field(default=10, ge=1, description="At most this many search words from the scheme")
    max_keyword_length: int = Field(default=20, ge=1, description="Longer search words are left out")
    search_type: int = Field(default=61, description="1 综合, 61 实时, 60 热门")
    fetch_long_text: bool = Field(default=True, description="Fetch /statuses/extend for truncated posts")
    hot_comments: HotComments = Field(
        default_factory=lambda: HotComments(), description="Read the comments under the hottest posts found"
    )


class WeiboAccountSource(SourceBase):
    """The bureau's own Weibo accounts (bureau.yaml `accounts` with a uid): each timeline, and the
    comments and replies under its recent posts."""

    kind: Literal["weibo_account"]
    base_url: str = "https://m.weibo.cn"
    web_base_url: str = Field(default="https://weibo.com", description="weibo.com, for the web ajax timeline")
    accounts: list[str] = Field(
        default_factory=list, description="Account names from bureau.yaml; empty: every Weibo account with a uid"
    )
    timeline: Literal["mobile", "web"] = Field(
        default="mobile", description="mobile: m.weibo.cn container 107603{uid}; web: weibo.com ajax mymblog"
    )
    timelines: dict[str, Literal["mobile", "web"]] = Field(
        default_factory=dict, description="Per account name, a timeline other than `timeline`"
    )
    fetch_long_text: bool = Field(default=True, description="Fetch /statuses/extend for truncated posts")
    comment_days: float = Field(default=7.0, gt=0, description="Comments are read under posts this recent")
    comments: CommentBounds = Field(default_factory=lambda: CommentBounds())


class RssHubRoutes(Section):
    """Feeds generated by an RSSHub instance the bureau runs: each route becomes ``base_url + route``."""

    base_url: str = Field(default="http://127.0.0.1:1200", pattern=r"^https?://")
    routes: list[str] = Field(min_length=1, description="Routes such as /weibo/user/7700000001")

    @field_validator("routes")
    @classmethod
    def _paths(cls, routes: list[str]) -> list[str]:
        for route in routes:
            if not route.startswith("/") or "://" in route:
                raise ValueError(f"RSSHub 路由须以 / 开头且不含网址: {route!r}")
        return routes

    def feed_urls(self) -> dict[str, str]:
        """Feed URL to route."""
        return {self.base_url.rstrip("/") + route: route for route in self.routes}


class FeedSource(SourceBase):
    """RSS 2.0 or Atom feeds, given as URLs or as routes of an RSSHub instance."""

    kind: Literal["feed"]
    urls: list[str] = Field(default_factory=list)
    rsshub: RssHubRoutes | None = None
    follow_links: bool = False
    content_css: str = Field(default="", description="Selector for the article body when following links")

    @model_validator(mode="after")
    def _some_feed(self) -> "FeedSource":
        if not self.urls and self.rsshub is None:
            raise ValueError("须给出 urls 或 rsshub.routes")
        return self


class HtmlSelectors(Section):
    """CSS or XPath selectors (prefix XPath with 'xpath:') for a list-and-detail site."""

    item: str
    link: str
    title: str = ""
    date: str = ""
    next_page: str = ""
    body: str
    detail_title: str = ""
    detail_date: str = ""
    author: str = ""


class HtmlSource(SourceBase):
    """A generic list-and-detail site: news, government portals, city forums."""

    kind: Literal["html"]
    start_urls: list[str] = Field(min_length=1)
    selectors: HtmlSelectors
    date_formats: list[str] = Field(default_factory=list)
    encoding: str = Field(default="", description="Force an encoding when a site lies about it")


class TiebaSource(SourceBase):
    """Baidu Tieba forums: thread lists and thread pages, from the 2024 HTML pages (`site: html`)
    or the 2026 PC app's signed JSON (`site: pc`, which can also search)."""

    kind: Literal["tieba"]
    base_url: str = "https://tieba.baidu.com"
    site: Literal["html", "pc"] = Field(default="html", description="html: the 2024 pages; pc: the 2026 JSON API")
    sign_key: str = Field(default="36770b1f34c9bbf2e7d1a99d2b82fa9e", description="The PC client key (site: pc)")
    forums: list[str] = Field(default_factory=list)
    thread_pages: int = Field(default=2, ge=1)
    search: bool = Field(default=False, description="Also search Tieba for keywords (site: pc)")
    keywords: list[str] = Field(
        default_factory=list, description="Search words; empty: the monitoring scheme's, within the limits below"
    )
    max_keywords: int = Field(default=5, ge=1, description="At most this many search words from the scheme")
    max_keyword_length: int = Field(default=20, ge=1, description="Longer search words are left out")

    @model_validator(mode="after")
    def _something_to_read(self) -> "TiebaSource":
        if not self.forums and not self.search:
            raise ValueError("须给出 forums 或 search: true")
        if self.search and self.site != "pc":
            raise ValueError("search 只用于 site: pc（2026 版贴吧的搜索接口）")
        return self


class BoardForum(Section):
    """One leader's board: messages posted there are addressed to `addressee` in `region`; a
    local leader's board is listed at /v1/threads/list/df, a ministry's (部委) at /bw."""

    id: int
    addressee: str
    region: str = ""
    level: Literal["local", "ministry"] = "local"


class BoardSource(SourceBase):
    """Government message boards such as 人民网领导留言板: forums by id, and optionally the
    site-wide search for the monitoring scheme's words."""

    kind: Literal["board"]
    base_url: str = "https://liuyan.people.com.cn"
    app_code: str = Field(default="PC42ce3bfa4980a9", description="The site's public appCode (window.SITE_CONFIG)")
    forums: list[BoardForum] = Field(default_factory=list)
    page_size: int = Field(default=10, ge=1, le=100)
    fetch_content: bool = Field(default=True, description="Fetch each message's text and official reply")
    search: bool = Field(default=False, description="Also search all boards (/v2/threads/search) for keywords")
    keywords: list[str] = Field(
        default_factory=list, description="Search words; empty: the monitoring scheme's, within the limits below"
    )
    max_keywords: int = Field(default=5, ge=1, description="At most this many search words from the scheme")
    max_keyword_length: int = Field(default=20, ge=1, description="Longer search words are left out")

    @model_validator(mode="after")
    def _something_to_read(self) -> "BoardSource":
        if not self.forums and not self.search:
            raise ValueError("须给出 forums 或 search: true")
        return self



class ApiPaging(Section):
    """How the next page is asked for: by page number, by offset, or by a cursor the answer gives."""

    mode: Literal["page", "offset", "cursor", "none"] = "page"
    start: int = Field(default=1, ge=0, description="First page number or offset")
    size: int = Field(default=20, ge=1, le=1000, description="Items per page, as {size}")
    cursor: JMESPath = Field(default="", description="JMESPath to the next page's cursor (cursor mode)")
    has_more: JMESPath = Field(default="", description="JMESPath that is false on the last page (optional)")

    @model_validator(mode="after")
    def _cursor_path(self) -> "ApiPaging":
        if self.mode == "cursor" and not self.cursor:
            raise ValueError("cursor 分页须给出 cursor（下一页游标的 JMESPath）")
        return self


class ApiFields(Section):
    """JMESPath paths, relative to one item of the list, for the post's fields."""

    id: JMESPath = ""
    text: JMESPath
    title: JMESPath = ""
    author: JMESPath = ""
    author_id: JMESPath = ""
    time: JMESPath = ""
    reposts: JMESPath = ""
    comments: JMESPath = ""
    likes: JMESPath = ""
    url: JMESPath = ""
    reply_state: JMESPath = ""
    location: JMESPath = ""


class JsonMapping(Section):
    """How a JSON answer becomes posts: the list of items, a refusal, and each field's JMESPath."""

    items: JMESPath = Field(description="JMESPath to the list of items in an answer")
    error: JMESPath = Field(default="", description="JMESPath that is non-empty when the API refuses the call")
    fields: ApiFields
    url_template: str = Field(default="", description="A post's link from its fields when no url path, e.g. .../{id}")
    reply_states: dict[str, str] = Field(default_factory=dict, description="Raw reply state value to label")
    time_formats: list[str] = Field(default_factory=list)
    addressed: bool = Field(default=False, description="Its posts are addressed to government (12345, 问政)")

    @property
    def is_addressed(self) -> bool:
        """Configured: a 12345 or 问政 platform's letters are addressed to government."""
        return self.addressed


class ApiSource(JsonMapping, SourceBase):
    """Any JSON API (12345 and 问政 platforms, data vendors): a URL template, headers and secrets
    from the environment, page/offset/cursor paging, and JMESPath paths from an answer to posts.
    Placeholders ``{page}``, ``{offset}``, ``{size}``, ``{cursor}``, ``{keyword}`` and the names of
    `secrets` are filled in the URL, the headers and the JSON body."""

    kind: Literal["api"]
    method: Literal["GET", "POST"] = "GET"
    url: str = Field(pattern=r"^https?://", description="URL template")
    headers: dict[str, str] = Field(default_factory=dict)
    body: dict[str, Any] | None = Field(default=None, description="JSON body template (POST)")
    secrets: dict[str, str] = Field(default_factory=dict, description="Placeholder name to environment variable")
    keywords: list[str] = Field(
        default_factory=list, description="Words for {keyword}, one stream per word; empty: the monitoring scheme's"
    )
    max_keywords: int = Field(default=5, ge=1, description="At most this many search words from the scheme")
    max_keyword_length: int = Field(default=20, ge=1, description="Longer search words are left out")
    paging: ApiPaging = Field(default_factory=lambda: ApiPaging())

    @property
    def search(self) -> bool:
        """Whether the templates search by word ({keyword}): one stream per search word."""
        return any("{keyword}" in text for text in (self.url, *self.headers.values(), repr(self.body or {})))

    @field_validator("secrets")
    @classmethod
    def _env_names(cls, secrets: dict[str, str]) -> dict[str, str]:
        for name, variable in secrets.items():
            if not re.match(ENV_NAME, variable):
                raise ValueError(f"secrets.{name}: {variable!r} 不是环境变量名（密钥只写变量名，不写值）")
            if name in PAGING_NAMES:
                raise ValueError(f"secrets.{name}: 与分页占位符同名")
        return secrets

    @model_validator(mode="after")
    def _placeholders(self) -> "ApiSource":
        known = PAGING_NAMES | set(self.secrets)
        texts = [self.url, *self.headers.values(), repr(self.body or {})]
        unknown = sorted({name for text in texts for name in PLACEHOLDER.findall(text)} - known)
        if unknown:
            raise ValueError(f"未知的占位符 {{{unknown[0]}}}；可用: {', '.join(sorted(known))}")
        return self


class BrowserSource(JsonMapping, SourceBase):
    """A search or list page opened in the crawl's headless browser with the saved login session; the
    JSON answers its own scripts fetch (signed by the site's own code) whose URL matches `capture`
    are mapped to posts like an `api` source's. Further pages come from scrolling or clicking "next"."""

    kind: Literal["browser"]
    page_url: str = Field(pattern=r"^https?://", description="Search or list page; {keyword} is filled")
    keywords: list[str] = Field(default_factory=list, description="Words for {keyword}: one page per word")
    capture: str = Field(min_length=1, description="Regular expression matched against the URLs of the page's answers")
    next: Literal["scroll", "click", "none"] = Field(default="scroll", description="How the page loads its next page")
    next_selector: str = Field(default="", description="CSS selector of the next-page button (next: click)")
    has_more: JMESPath = Field(default="", description="JMESPath that is false on an answer of the last page")
    wait_seconds: float = Field(default=20.0, gt=0, description="How long to wait for the page's next answer")

    @field_validator("capture")
    @classmethod
    def _pattern(cls, capture: str) -> str:
        try:
            re.compile(capture)
        except re.error as exc:
            raise ValueError(f"capture 不是有效的正则表达式: {exc}") from None
        return capture

    @model_validator(mode="after")
    def _browser_fields(self) -> "BrowserSource":
        if self.next == "click" and not self.next_selector:
            raise ValueError("next: click 须给出 next_selector（下一页按钮的 CSS 选择器）")
        if "{keyword}" in self.page_url and not self.keywords:
            raise ValueError("page_url 用了 {keyword}，须给出 keywords")
        return self


SourceConfig = Annotated[
    Union[WeiboSource, WeiboAccountSource, FeedSource, HtmlSource, TiebaSource, BoardSource, ApiSource,
          BrowserSource],
    Field(discriminator="kind"),
]


class WatchConfig(Section):
    """Temporary watches: a hot event's keywords searched on the real-time sources until it cools."""

    enabled: bool = True
    interval_minutes: int = Field(default=3, ge=1, le=60, description="How often a watch searches")
    min_level: int = Field(default=3, ge=1, le=4, description="Events at this level or more severe are watched")
    burst_score: float = Field(default=3.0, ge=0, description="Events bursting at least this much are watched")
    cool_after_minutes: int = Field(default=60, ge=5, description="A watch ends after this long without new posts")
    max_hours: float = Field(default=24.0, gt=0, description="A watch ends after this long whatever happens")
    max_keywords: int = Field(default=3, ge=1, le=10, description="Keywords searched per event and round")
    max_words: int = Field(default=12, ge=1, le=50, description="Words searched per round (newest events first)")
    max_pages: int = Field(default=1, ge=1, le=5, description="Pages per keyword and round (stops earlier at seen)")


CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class BrowserConfig(Section):
    """The crawl's one headless browser (Debian's Chromium driven by Playwright), shared by every
    source that needs it; pages and contexts are bounded and every wait has a timeout."""

    executable_path: str = Field(default="/usr/bin/chromium", description="Chromium to launch (never downloaded)")
    args: list[str] = Field(default_factory=lambda: list(CHROMIUM_ARGS))
    max_pages: int = Field(default=2, ge=1, le=20, description="Open pages per browser context")
    max_contexts: int = Field(default=4, ge=1, le=20, description="Browser contexts (one per source and account)")
    navigation_timeout_seconds: float = Field(default=30.0, gt=0, description="Longest wait for a page to load")


class SourcesConfig(Section):
    """All sources plus crawl-wide politeness settings."""

    user_agent: str = "Mozilla/5.0 (compatible; yuqing-monitor/0.1; +https://example.gov.cn/yuqing)"
    concurrency_per_domain: int = Field(default=2, ge=1)
    download_delay_seconds: float = Field(default=1.0, ge=0)
    autothrottle: bool = True
    timeout_seconds: float = Field(default=30.0, gt=0)
    retries: int = Field(default=3, ge=0)
    max_response_bytes: int = Field(default=5_000_000, ge=10_000)
    retry_backoff_seconds: float = Field(default=2.0, ge=0, description="First retry delay, doubled per retry")
    max_retry_after_seconds: float = Field(default=300.0, ge=0, description="Give up when Retry-After asks more")
    max_redirects: int = Field(default=5, ge=0)
    backfill_max_pages: int = Field(default=50, ge=1, description="Page budget per source when --since is given")
    batch_size: int = Field(default=50, ge=1, description="Posts stored per database transaction")
    near_copy_threshold: float = Field(default=0.5, gt=0, le=1, description="MinHash similarity for a near-copy")
    near_copy_window_days: int = Field(default=30, ge=1, description="How far back originals are looked for")
    watch: WatchConfig = WatchConfig()
    browser: BrowserConfig = BrowserConfig()
    sources: list[SourceConfig] = Field(default_factory=list)
