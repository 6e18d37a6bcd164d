"""Request bodies are bounded before Django reads them (an ASGI middleware in front of Django).

Django's ASGI handler reads a whole body into memory or a temporary file before any view,
authentication or permission runs, so a limit inside Django comes too late. Here:

- a body larger than ``MASKLOOP_MAX_ANONYMOUS_BODY_BYTES`` (or of unknown length) is taken only
  from a caller who is logged in (a session) or holds an API token; anyone else gets 401 (under
  ``/api/``) or 403 before a byte of it is read;
- every body is bounded by its view's file limit (``max_request_setting``: uploads) or
  ``MASKLOOP_MAX_BODY_BYTES``: a declared ``Content-Length`` over it is answered 413 at once, and
  a streamed body is counted as it arrives and cut off with 413 where it passes the limit.

The server must stream bodies to the application for this to save memory: uvicorn (production,
behind nginx) does; daphne's Twisted layer buffers a whole body first, and nginx's
``client_max_body_size`` is what bounds it there.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Mapping
from http.cookies import SimpleCookie
from importlib import import_module
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.urls import Resolver404, resolve
from rest_framework.authtoken.models import Token

Scope = dict[str, Any]
Message = Mapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


# How long a refused body is read (and dropped) after the answer, so the connection closes cleanly.
DRAIN_SECONDS = 2.0

# Room for the multipart form around an uploaded file (boundaries, headers, other fields).
FORM_MARGIN = 64 * 1024


def body_limit_of(path: str) -> int:
    """The largest body the view at ``path`` takes: a view that takes files names the setting
    of its file limit in ``max_request_setting``; any other takes ``MASKLOOP_MAX_BODY_BYTES``."""
    try:
        match = resolve(path)
    except Resolver404:
        return int(settings.MASKLOOP_MAX_BODY_BYTES)
    view = getattr(match.func, "view_class", None) or getattr(match.func, "cls", None)
    name = getattr(view, "max_request_setting", None)
    if name is None:
        return int(settings.MASKLOOP_MAX_BODY_BYTES)
    return int(getattr(settings, name)) + FORM_MARGIN


def _caller_known(headers: dict[bytes, bytes]) -> bool:
    """Whether the request carries a live session of a user or a valid API token (a database
    read; no body is touched)."""
    authorization = headers.get(b"authorization", b"").decode("latin-1").split()
    if len(authorization) == 2 and authorization[0].lower() == "token":
        return Token.objects.filter(key=authorization[1], user__is_active=True).exists()
    cookies: SimpleCookie = SimpleCookie()
    try:
        cookies.load(headers.get(b"cookie", b"").decode("latin-1"))
    except ValueError:
        return False
    morsel = cookies.get(settings.SESSION_COOKIE_NAME)
    if morsel is None:
        return False
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=morsel.value)
    return store.get(SESSION_KEY) is not None


async def _answer(send: Send, status: int, code: str, detail: str, path: str) -> None:
    if path.startswith("/api/"):
        body, kind = json.dumps({"code": code, "detail": detail}).encode(), b"application/json"
    else:
        body, kind = detail.encode(), b"text/plain; charset=utf-8"
    headers = [
        (b"content-type", kind),
        (b"content-length", str(len(body)).encode()),
    ]
    if status == 401:
        headers.append((b"www-authenticate", b"Token"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _drain(receive: Receive) -> None:
    """Read and drop what is left of a refused body, for at most ``DRAIN_SECONDS``: a server that
    closes with a body unread resets the connection, and a proxy in front then loses the answer
    already sent (nginx answers 502). Nothing read here is kept."""

    async def rest() -> None:
        while True:
            message = await receive()
            if message["type"] != "http.request" or not message.get("more_body", False):
                return

    try:
        await asyncio.wait_for(rest(), DRAIN_SECONDS)
    except TimeoutError:
        return


class BodyLimitMiddleware:
    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        length = headers.get(b"content-length")
        declared = int(length) if length is not None and length.isdigit() else None
        chunked = b"chunked" in headers.get(b"transfer-encoding", b"").lower()
        if declared in (None, 0) and not chunked:
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        if (declared is None or declared > settings.MASKLOOP_MAX_ANONYMOUS_BODY_BYTES) and not (
            await sync_to_async(_caller_known)(headers)
        ):
            detail = "Log in (or send an API token) before sending a body this large."
            await _answer(send, 401 if path.startswith("/api/") else 403, "not_authenticated", detail, path)
            await _drain(receive)
            return
        limit = body_limit_of(path)
        if declared is not None and declared > limit:
            detail = f"The request body is larger than {limit} bytes."
            await _answer(send, 413, "request_too_large", detail, path)
            await _drain(receive)
            return
        counted = _Counted(receive, send, limit, path)
        await self.app(scope, counted, send)
        if counted.cut:
            await _drain(receive)


class _Counted:
    """The body as it arrives, counted; past the limit the client gets 413 and the application
    a disconnect (Django then drops the request without answering)."""

    def __init__(self, receive: Receive, send: Send, limit: int, path: str) -> None:
        self.receive, self.send, self.limit, self.path = receive, send, limit, path
        self.seen = 0
        self.cut = False

    async def __call__(self) -> Message:
        if self.cut:
            return {"type": "http.disconnect"}
        message = await self.receive()
        if message["type"] == "http.request":
            self.seen += len(message.get("body", b""))
            if self.seen > self.limit:
                self.cut = True
                detail = f"The request body is larger than {self.limit} bytes."
                await _answer(self.send, 413, "request_too_large", detail, self.path)
                return {"type": "http.disconnect"}
        return message
