"""Chat-group robots: WeCom (企业微信), DingTalk (钉钉, signed) and Feishu (飞书, signed)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

from responder.channels.base import Channel, Outgoing, alert_text
from responder.channels.http import check_code, post_json


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's signature: base64(HMAC-SHA256(secret, f"{timestamp}\\n{secret}"))."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """Feishu's signature: base64(HMAC-SHA256(key=f"{timestamp}\\n{secret}", message=b""))."""
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


class WeComChannel(Channel):
    """A WeCom group robot: POST {"msgtype": "text", "text": {"content": ...}} to its webhook."""

    type_name = "wecom"

    def deliver(self, alert: Outgoing) -> None:
        """Post the alert as a text message; errcode must be 0."""
        payload = {"msgtype": "text", "text": {"content": alert_text(alert)}}
        check_code(post_json(self.env(self.config.url_env, "机器人地址"), payload), "errcode")


class DingTalkChannel(Channel):
    """A DingTalk group robot; with a secret, each call carries timestamp and sign query parameters."""

    type_name = "dingtalk"

    def deliver(self, alert: Outgoing) -> None:
        """Post the alert as a text message, signed when a secret is configured; errcode must be 0."""
        params = None
        if self.config.secret_env:
            secret = self.env(self.config.secret_env, "加签密钥")
            timestamp = int(time.time() * 1000)
            params = {"timestamp": str(timestamp), "sign": dingtalk_sign(secret, timestamp)}
        payload = {"msgtype": "text", "text": {"content": alert_text(alert)}}
        check_code(post_json(self.env(self.config.url_env, "机器人地址"), payload, params=params), "errcode")


class FeishuChannel(Channel):
    """A Feishu group robot; with a secret, the body carries timestamp and sign."""

    type_name = "feishu"

    def deliver(self, alert: Outgoing) -> None:
        """Post the alert as a text message, signed when a secret is configured; code must be 0."""
        payload: dict = {"msg_type": "text", "content": {"text": alert_text(alert)}}
        if self.config.secret_env:
            timestamp = int(time.time())
            secret = self.env(self.config.secret_env, "签名密钥")
            payload |= {"timestamp": str(timestamp), "sign": feishu_sign(secret, timestamp)}
        check_code(post_json(self.env(self.config.url_env, "机器人地址"), payload), "code", "StatusCode")
