"""Shared HTTP posting for the robot and webhook channels."""

from __future__ import annotations

from typing import Any

import requests

from responder.channels.base import DeliveryError

TIMEOUT_SECONDS = 10


def post_json(url: str, payload: dict[str, Any], *, params: dict[str, str] | None = None,
              headers: dict[str, str] | None = None, data: bytes | None = None) -> requests.Response:
    """POST JSON and return the response; network errors and non-2xx become DeliveryError."""
    try:
        if data is not None:
            response = requests.post(url, data=data, params=params, timeout=TIMEOUT_SECONDS,
                                     headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})})
        else:
            response = requests.post(url, json=payload, params=params, headers=headers, timeout=TIMEOUT_SECONDS)
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
