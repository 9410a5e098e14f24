"""Scrapy settings for one source, layered: these defaults < sources.yaml politeness < the source's own.

The YUQING_* values have no defaults in the components that read them: the crawl's are the fields of
`yuqing.core.config.sources.SourcesConfig`, which `source_settings` always sets; a worker's Redis prefix and
heartbeat interval are the two constants below, which `crawler.distributed.redis_settings` always sets."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from yuqing.core.config.sources import SourcesConfig

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

REDIS_PREFIX = "yuqing"  # a worker's Redis key prefix: workers of one deployment share it
HEARTBEAT_SECONDS = 10.0  # how often a worker refreshes its heartbeat

BASE_SETTINGS: dict[str, Any] = {
    "BOT_NAME": "yuqing",
    "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
    "TELNETCONSOLE_ENABLED": False,
    "REMOTE_CONTROL_ENABLED": False,
    "LOG_LEVEL": "INFO",
    "CONCURRENT_ITEMS": 8,
    "COOKIES_ENABLED": True,
    "HTTPERROR_ALLOW_ALL": False,
    "REFERER_ENABLED": True,
    "AUTOTHROTTLE_START_DELAY": 1.0,
    "AUTOTHROTTLE_MAX_DELAY": 60.0,
    "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
    "DOWNLOAD_WARNSIZE": 0,
    "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429, 418, 432],
    "DOWNLOADER_MIDDLEWARES": {
        "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
        "crawler.middlewares.BackoffRetryMiddleware": 550,
        "crawler.middlewares.EnvCookiesMiddleware": 710,
        "crawler.middlewares.EncodingFallbackMiddleware": 580,
    },
    "ITEM_PIPELINES": {
        "crawler.pipelines.clean.CleanPipeline": 100,
        "crawler.pipelines.mention.MentionPipeline": 200,
        "crawler.pipelines.near_copy.NearCopyPipeline": 300,
        "crawler.pipelines.store.StorePipeline": 400,
    },
    "EXTENSIONS": {"crawler.health.SourceHealth": 500},
}


def source_settings(config: SourcesConfig, source: Any, database_url: str, timezone: str) -> dict[str, Any]:
    """Scrapy settings for crawling `source` politely and storing into `database_url`."""
    settings = dict(BASE_SETTINGS)
    settings.update({
        "USER_AGENT": source.user_agent or config.user_agent,
        "ROBOTSTXT_OBEY": source.obey_robots,
        "AUTOTHROTTLE_ENABLED": config.autothrottle,
        "CONCURRENT_REQUESTS_PER_DOMAIN": config.concurrency_per_domain,
        "DOWNLOAD_DELAY": config.download_delay_seconds if source.download_delay_seconds is None
        else source.download_delay_seconds,
        "DOWNLOAD_TIMEOUT": config.timeout_seconds,
        "RETRY_TIMES": config.retries,
        "DOWNLOAD_MAXSIZE": config.max_response_bytes,
        "REDIRECT_MAX_TIMES": config.max_redirects,
        "YUQING_RETRY_BACKOFF": config.retry_backoff_seconds,
        "YUQING_MAX_RETRY_AFTER": config.max_retry_after_seconds,
        "YUQING_BATCH_SIZE": config.batch_size,
        "YUQING_NEAR_COPY_THRESHOLD": config.near_copy_threshold,
        "YUQING_NEAR_COPY_WINDOW_DAYS": config.near_copy_window_days,
        "YUQING_DATABASE_URL": database_url,
        "YUQING_TIMEZONE": timezone,
        "YUQING_COOKIES_ENV": source.cookies_env,
    })
    if getattr(source, "encoding", ""):
        settings["YUQING_FORCE_ENCODING"] = source.encoding
    return settings


def configured(settings: BaseSettings, name: str) -> Any:
    """A YUQING_* value that `source_settings` always sets; a crawler assembled any other way stops here."""
    value = settings.get(name)
    if value is None:
        raise KeyError(f"{name} is not set: build crawlers with crawler.run.crawl_process")
    return value
