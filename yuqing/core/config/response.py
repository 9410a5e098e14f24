"""Response rules: which items become cases, clocks, reminders, escalation, alert channels."""

from datetime import date
from typing import Literal

import holidays
from pydantic import Field, field_validator

from yuqing.core.config.base import Section


class CaseThresholds(Section):
    """An analysed item becomes a case when any of these holds."""

    max_level: int = Field(default=3, ge=1, le=4, description="Level Ⅲ (3) or more severe")
    negative_below: float = Field(default=0.3, ge=0, le=1, description="Sentiment probability of positive")
    min_hotness: float = Field(default=60.0, ge=0)
    kinds: list[str] = Field(default_factory=lambda: ["consultation", "request", "rumour", "complaint"])
    actionable: bool = Field(default=True, description="Every post that needs a government voice becomes a case")
    emergency_topics: list[str] = Field(
        default_factory=lambda: ["disaster-relief"],
        description="Topics whose level Ⅱ items count as tied to an emergency (突发事件); Ⅰ always does",
    )


class Clock(Section):
    """A response clock in calendar hours from first detection."""

    hours: float = Field(gt=0)
    label: str


class ClocksConfig(Section):
    """Clocks per situation (国办发〔2016〕61号 and 80号 defaults)."""

    emergency_information: Clock = Clock(hours=5, label="发布权威信息")
    emergency_press: Clock = Clock(hours=24, label="举行新闻发布会")
    general_response: Clock = Clock(hours=48, label="予以回应")
    consultation_ack: Clock = Clock(hours=24, label="受理答复")
    consultation_answer_working_days: int = Field(default=7, ge=1)
    triage_hours_severe: float = Field(default=1, gt=0)
    reminders: list[float] = Field(default_factory=lambda: [0.5, 0.8])
    escalate_every_hours: float = Field(default=2, gt=0, description="After a breach, climb one more rung this often")
    calendar: str = Field(
        default="CN",
        description="Official holiday calendar (country code of the holidays package: public holidays and "
        "调休 make-up working days); empty for Monday to Friday only",
    )
    holidays: list[date] = Field(default_factory=list, description="Further days off beyond the official calendar")
    extra_workdays: list[date] = Field(
        default_factory=list, description="Further working days (e.g. a 调休 day the package does not know yet)")

    @field_validator("calendar")
    @classmethod
    def _known_calendar(cls, value: str) -> str:
        if value and value not in holidays.list_supported_countries():
            raise ValueError(f"未知的节假日日历 {value!r} (例如 CN)")
        return value


class RoutingConfig(Section):
    """How cases find a commentator."""

    reoffer_after_minutes: int = Field(default=60, ge=1)
    escalation_ladder: list[Literal["commentator", "section_head", "spokesperson", "leader", "director"]] = Field(
        default_factory=lambda: ["commentator", "section_head", "spokesperson", "director"],  # type: ignore[arg-type]
        description="Rungs climbed on a breach; a rung nobody fills (e.g. the owner heads the section) is skipped",
    )


class QuietHours(Section):
    """Hours when only level Ⅰ/Ⅱ alerts go out (local time, HH:MM)."""

    start: str = Field(default="22:00", pattern=r"^\d{2}:\d{2}$")
    end: str = Field(default="07:30", pattern=r"^\d{2}:\d{2}$")


class ChannelConfig(Section):
    """A named alert channel; URLs and secrets are read from environment variables."""

    type: str = Field(pattern="^(email|wecom|dingtalk|feishu|webhook)$")
    url_env: str = ""
    secret_env: str = ""
    enabled: bool = True


class RetryConfig(Section):
    """Exponential backoff between delivery attempts of one alert."""

    base_seconds: float = Field(default=60, gt=0)
    max_seconds: float = Field(default=3600, gt=0)


class RevisitConfig(Section):
    """回访: answered consultations and complaints are followed up with the citizen."""

    kinds: list[str] = Field(default_factory=lambda: ["consultation", "complaint"],
                             description="Case kinds that get a follow-up task once answered")
    due_working_days: int = Field(default=3, ge=1, description="Working days after the answer to follow up")
    methods: list[str] = Field(default_factory=lambda: ["电话", "短信", "平台私信", "留言板", "当面", "其他"],
                               min_length=1, description="How staff may have reached the citizen")


class ConfirmConfig(Section):
    """Confirming a recorded publication: the published link is fetched until the bureau's reply is seen
    on it from the bureau's own account (bureau.yaml `accounts`)."""

    enabled: bool = True
    check_every_minutes: float = Field(default=15, gt=0, description="How often an unconfirmed link is fetched")
    alert_after_hours: float = Field(default=2, gt=0, description="Not seen this long after publication: alert")
    recheck_every_hours: float = Field(default=6, gt=0, description="How often a confirmed reply is checked again")
    watch_days: float = Field(default=7, gt=0, description="How long after publication the link is watched")
    min_share: float = Field(default=0.8, gt=0, le=1, description="Share of the reply's sentences that must be seen")
    account_window_chars: int = Field(default=200, ge=1,
                                      description="The account's name must stand this close before the reply")
    timeout_seconds: float = Field(default=20, gt=0)


class RumourConfig(Section):
    """辟谣: how long a verification may take, where a rumour may be referred, how long its spread is tracked."""

    verify_hours: float = Field(default=24, gt=0, description="A verification task is due this long after it opens")
    units: list[str] = Field(default_factory=lambda: ["网信", "公安"],
                             description="Units a rumour case may be referred to (移送) while the bureau rebuts it")
    track_days: int = Field(default=3, ge=1, le=30,
                            description="Days after the rebuttal's publication over which both spreads are counted")


class ResponseConfig(Section):
    """Everything the responder decides by."""

    thresholds: CaseThresholds = CaseThresholds()
    clocks: ClocksConfig = ClocksConfig()
    routing: RoutingConfig = RoutingConfig()
    quiet_hours: QuietHours = QuietHours()
    channels: dict[str, ChannelConfig] = Field(
        default_factory=lambda: {"email": ChannelConfig(type="email")}
    )
    max_delivery_attempts: int = Field(default=12, ge=1)
    retry: RetryConfig = RetryConfig()
    revisit: RevisitConfig = RevisitConfig()
    confirm: ConfirmConfig = ConfirmConfig()
    rumour: RumourConfig = RumourConfig()
    platform_limits: dict[str, int] = Field(default_factory=lambda: {"default": 150})
    mask_email: bool = Field(
        default=True, description="Mask phone and ID numbers in email alerts; robots and webhooks always are"
    )
