"""A generic JSON webhook for the bureau's own systems, optionally HMAC-signed."""

from __future__ import annotations

import hashlib
import hmac
import json

from responder.channels.base import Channel, Outgoing
from responder.channels.http import post_body

SIGNATURE_HEADER = "X-Yuqing-Signature"


def webhook_signature(secret: str, body: bytes) -> str:
    """Hex HMAC-SHA256 of the exact request body, sent as X-Yuqing-Signature: sha256=<hex>."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class WebhookChannel(Channel):
    """POSTs the alert as JSON; any 2xx answer counts as delivered."""

    type_name = "webhook"

    def deliver(self, alert: Outgoing) -> None:
        """Post id, dedup key, subject, text, case and level (the dedup key lets receivers ignore repeats)."""
        body = json.dumps({
            "id": alert.id, "dedup_key": alert.dedup_key, "subject": alert.subject,
            "text": alert.body_text, "case_id": alert.case_id, "level": alert.level,
            "payload": alert.payload,
        }, ensure_ascii=False).encode()
        headers = {}
        if self.config.secret_env:
            headers[SIGNATURE_HEADER] = webhook_signature(self.env(self.config.secret_env, "签名密钥"), body)
        post_body(self.env(self.config.url_env, "地址"), body, headers=headers)
