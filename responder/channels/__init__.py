"""Alert channels, chosen by the type name in response.yaml."""

from __future__ import annotations

import os
from collections.abc import Mapping

from responder.channels.base import Channel, DeliveryError
from responder.channels.email import EmailChannel
from responder.channels.robots import DingTalkChannel, FeishuChannel, WeComChannel
from responder.channels.webhook import WebhookChannel
from yuqing.core.config import Settings

CHANNEL_TYPES: dict[str, type[Channel]] = {
    cls.type_name: cls for cls in (EmailChannel, WeComChannel, DingTalkChannel, FeishuChannel, WebhookChannel)
}

__all__ = ["CHANNEL_TYPES", "Channel", "DeliveryError", "build_channel", "channel_class"]


def channel_class(type_name: str) -> type[Channel]:
    """The channel class for a type name; ValueError listing the known names otherwise."""
    try:
        return CHANNEL_TYPES[type_name]
    except KeyError:
        known = ", ".join(sorted(CHANNEL_TYPES))
        raise ValueError(f"未知的通知渠道类型 {type_name!r}；可用: {known}") from None


def build_channel(name: str, settings: Settings, environ: Mapping[str, str] | None = None) -> Channel:
    """The channel configured under `name` in response.yaml; ValueError with a clear message otherwise."""
    config = settings.response.channels.get(name)
    if config is None:
        raise ValueError(f"response.yaml 中没有名为 {name!r} 的通知渠道")
    if not config.enabled:
        raise ValueError(f"通知渠道 {name!r} 已停用（response.yaml 中 enabled: false）")
    return channel_class(config.type)(name, config, settings, os.environ if environ is None else environ)
