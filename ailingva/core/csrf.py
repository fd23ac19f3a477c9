"""Refuse cross-site state-changing requests (the cookie would otherwise ride along).

Browsers send `Sec-Fetch-Site` (and `Origin`) on every state-changing request; clients that
send neither are not browsers, carry no ambient cookie, and pass. Login and register are covered
too, so another site cannot sign a visitor into an account of its choosing.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from ailingva.core.errors import ErrorCode, error_response

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class CrossSiteRequestGuard:
    def __init__(self, app: ASGIApp, allowed_origins: list[str]) -> None:
        self.app = app
        self.allowed_origins = allowed_origins

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in SAFE_METHODS:
            headers = Headers(scope=scope)
            if not self._allowed(headers, scope):
                response = error_response(
                    ErrorCode.CROSS_SITE_REQUEST,
                    "Запрос с другого сайта отклонён.",
                    403,
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def _allowed(self, headers: Headers, scope: Scope) -> bool:
        site = headers.get("sec-fetch-site")
        if site in ("same-origin", "none"):
            return True
        if headers.get("origin") is None:
            # No Origin: a same-site browser request without one is impossible for unsafe
            # methods in current browsers, and non-browser clients carry no ambient cookie.
            return site is None
        return origin_allowed(headers, scope, self.allowed_origins)


def _own_origin(headers: Headers, scope: Scope) -> str | None:
    host = headers.get("host")
    scheme = WEBSOCKET_SCHEMES.get(scope.get("scheme", "http"), scope.get("scheme", "http"))
    return f"{scheme}://{host}".lower() if host else None


WEBSOCKET_SCHEMES = {"ws": "http", "wss": "https"}


def origin_allowed(headers: Headers, scope: Scope, allowed_origins: Iterable[str]) -> bool:
    """A WebSocket handshake's Origin is the app's own or an allowed one. Browsers always send
    it; a client without one is not a browser and carries no ambient cookie."""
    origin = headers.get("origin")
    if origin is None:
        return True
    origin = origin.rstrip("/").lower()
    allowed = {o.rstrip("/").lower() for o in allowed_origins}
    return origin in allowed or origin == _own_origin(headers, scope)
