"""The contract every alert channel fulfils."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import ClassVar

from yuqing.config import Settings
from yuqing.config.response import ChannelConfig
from yuqing.storage.models import Notification


class DeliveryError(Exception):
    """A delivery attempt failed; the outbox will retry the alert later."""


class Channel(ABC):
    """Delivers one Notification row to one outside system.

    A channel is built from its named block in response.yaml (`channels:`), reads URLs and secrets
    from the environment variables that block names, and either returns after the receiver accepted
    the alert or raises DeliveryError with a one-line reason. It never writes to the database: the
    outbox records attempts, backoff and success.
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

    @abstractmethod
    def send(self, notification: Notification) -> None:
        """Deliver the alert or raise DeliveryError."""


def alert_text(notification: Notification) -> str:
    """Subject and body as one plain message, for chat robots."""
    return f"{notification.subject}\n{notification.body_text}".strip()
