"""Limits on what a browser or API client may post: body size, field lengths, NUL bytes.

Every refusal is a clear Chinese 4xx instead of a 7 MB case page or a PostgreSQL error (its text
columns cannot hold NUL)."""

from __future__ import annotations

from fastapi import HTTPException, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 256 * 1024
DEFAULT_FIELD_LIMIT = 2000
FIELD_LIMITS = {"text": 5000, "url": 2048, "to": 100, "unit": 100, "label": 32, "version": 12, "action": 32,
                "username": 64, "password": 256, "new_password": 256, "confirm": 256, "next": 2048, "op": 16, "target": 64, "csrf_token": 128}
FIELD_NAMES = {"reason": "原因/备注", "text": "回复内容", "url": "链接", "to": "人员", "unit": "转办单位",
               "label": "标注", "username": "用户名", "password": "密码", "new_password": "新密码", "confirm": "新密码"}
NUL_MESSAGE = "提交的内容含有不允许的空字符（NUL），未保存。请删除后重试。"


def ascii_number(text: str) -> int | None:
    """A non-negative integer written in ASCII digits, else None (`¹` and `１` pass isdigit() but not int())."""
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


def body_too_large() -> HTTPException:
    """The 413 refusal of an oversized request body."""
    return HTTPException(status_code=413, detail=f"提交的内容超过 {MAX_BODY_BYTES // 1024} KB，未保存。请删减后重试。")


def check_fields(values: dict[str, str]) -> None:
    """Refuse (400) a submitted field that holds a NUL byte or is longer than its limit."""
    for name, value in values.items():
        if "\x00" in value:
            raise HTTPException(status_code=400, detail=NUL_MESSAGE)
        limit = FIELD_LIMITS.get(name, DEFAULT_FIELD_LIMIT)
        if len(value) > limit:
            label = FIELD_NAMES.get(name, name)
            raise HTTPException(status_code=400, detail=f"「{label}」最多 {limit} 字，收到 {len(value)} 字，未保存。请删减后重试。")


def reject_nul_in_query(request: Request) -> None:
    """A dependency of every route: query parameters with a NUL byte are refused (400)."""
    if any("\x00" in key or "\x00" in value for key, value in request.query_params.multi_items()):
        raise HTTPException(status_code=400, detail="请求参数含有不允许的空字符（NUL）。")


class BodyLimitMiddleware:
    """Stops reading a request body past MAX_BODY_BYTES (declared or streamed) with a 413.

    The refusal is raised while the endpoint reads the body, so the desk's own error handlers render it."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on with a receive channel that counts the body's bytes."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length", b"0")
        too_large, received = declared.isdigit() and int(declared) > self.max_bytes, 0

        async def counted_receive() -> Message:
            nonlocal received
            if too_large:
                raise body_too_large()
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise body_too_large()
            return message

        await self.app(scope, counted_receive, send)
