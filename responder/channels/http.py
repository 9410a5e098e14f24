"""Shared HTTP posting for the robot and webhook channels."""

from __future__ import annotations

import json
from typing import Any

import requests

from responder.channels.base import DeliveryError

TIMEOUT_SECONDS = 10


def post_json(url: str, payload: dict[str, Any], *, params: dict[str, str] | None = None,
              headers: dict[str, str] | None = None) -> requests.Response:
    """POST a JSON object and return the response; network errors and non-2xx become DeliveryError."""
    return post_body(url, json.dumps(payload, ensure_ascii=False).encode(), params=params, headers=headers)


def post_body(url: str, body: bytes, *, params: dict[str, str] | None = None,
              headers: dict[str, str] | None = None) -> requests.Response:
    """POST an already encoded JSON body (so a signature can cover the exact bytes)."""
    try:
        response = requests.post(url, data=body, params=params, timeout=TIMEOUT_SECONDS,
                                 headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})})
    except requests.RequestException as exc:
        raise DeliveryError(f"无法连接 {requests.utils.urlparse(url).netloc}: {type(exc).__name__}") from None
    if not response.ok:
        raise DeliveryError(f"接收方返回 HTTP {response.status_code}")
    return response


def check_code(response: requests.Response, *fields: str) -> None:
    """Robots answer 200 with an error code in JSON; a non-zero code becomes DeliveryError."""
    try:
        body = response.json()
    except ValueError:
        raise DeliveryError("接收方返回的不是 JSON") from None
    for name in fields:
        if name in body and body[name] not in (0, "0"):
            message = body.get("errmsg") or body.get("msg") or body.get("StatusMessage") or ""
            raise DeliveryError(f"接收方拒绝: {name}={body[name]} {message}".strip())
