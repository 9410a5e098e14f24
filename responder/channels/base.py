"""The contract every alert channel fulfils."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from responder.privacy import mask_personal
from yuqing.core.config import Settings
from yuqing.core.config.response import ChannelConfig
from yuqing.core.storage.models import Notification, NotificationAttachment


class DeliveryError(Exception):
    """A delivery attempt failed; the outbox will retry the alert later."""


@dataclass(frozen=True)
class Outgoing:
    """One alert as it leaves the system: a Notification row's fields after the masking policy."""

    id: int | None
    dedup_key: str
    recipient: str
    subject: str
    body_text: str
    body_html: str
    case_id: int | None
    level: int
    payload: dict[str, Any]
    attachments: Sequence[NotificationAttachment]

    @classmethod
    def of(cls, row: Notification, change: Callable[[str], str]) -> Outgoing:
        """The row's alert with `change` applied to its subject, bodies and payload texts."""
        payload = {key: change(value) if isinstance(value, str) else value for key, value in (row.payload or {}).items()}
        return cls(row.id, row.dedup_key, row.recipient, change(row.subject or ""), change(row.body_text or ""),
                   change(row.body_html or ""), row.case_id, row.level, payload, tuple(row.attachments))


class Channel(ABC):
    """Delivers one Notification row to one outside system.

    A channel is built from its named block in response.yaml (`channels:`), reads URLs and secrets
    from the environment variables that block names, and either returns after the receiver accepted
    the alert or raises DeliveryError with a one-line reason. It never writes to the database: the
    outbox records attempts, backoff and success. Phone and ID numbers are masked before `deliver`
    sees the alert: always for robots and webhooks (third-party services), for email unless
    response.yaml turns `mask_email` off.
    """

    type_name: ClassVar[str]

    def __init__(self, name: str, config: ChannelConfig, settings: Settings, environ: Mapping[str, str]):
        self.name, self.config, self.settings, self.environ = name, config, settings, environ

    def env(self, variable: str, what: str) -> str:
        """The value of a configured environment variable, or DeliveryError naming what is missing."""
        value = self.environ.get(variable, "") if variable else ""
        if not value:
            raise DeliveryError(f"渠道 {self.name} 缺少{what}：请设置环境变量 {variable or '(未配置 *_env)'}")
        return value

    def masks_personal(self) -> bool:
        """Whether phone and ID numbers are masked on this channel (always, except where email may opt out)."""
        return True

    def send(self, notification: Notification) -> None:
        """Deliver the alert, masked as the policy says, or raise DeliveryError."""
        self.deliver(Outgoing.of(notification, mask_personal if self.masks_personal() else str))

    @abstractmethod
    def deliver(self, alert: Outgoing) -> None:
        """Deliver the outgoing alert or raise DeliveryError."""


def alert_text(alert: Outgoing) -> str:
    """Subject and body as one plain message, for chat robots."""
    return f"{alert.subject}\n{alert.body_text}".strip()
