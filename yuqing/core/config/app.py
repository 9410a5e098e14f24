"""Application settings: storage, mail, web, scheduler, retention."""

from pydantic import Field

from yuqing.core.config.base import Section


class SmtpConfig(Section):
    """Outgoing mail server; the password comes from the environment only."""

    host: str = "127.0.0.1"
    port: int = Field(default=25, ge=1, le=65535)
    security: str = Field(default="none", pattern="^(none|starttls|ssl)$")
    username: str = ""
    password_env: str = Field(default="YUQING_SMTP_PASSWORD", description="Variable holding the password")
    sender: str = "yuqing@example.gov.cn"
    timeout_seconds: float = Field(default=20.0, gt=0)


class WebConfig(Section):
    """The web desk's listening address and session secret source."""

    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)
    secret_env: str = "YUQING_WEB_SECRET"
    base_url: str = "http://127.0.0.1:8080"


class AppConfig(Section):
    """Where data lives and how the service runs."""

    database_url: str = "sqlite:///yuqing.db"
    redis_url: str = ""
    timezone: str = "Asia/Shanghai"
    data_dir: str = "data"
    log_dir: str = "logs"
    retention_days: int = Field(default=365, ge=7)
    smtp: SmtpConfig = SmtpConfig()
    web: WebConfig = WebConfig()
