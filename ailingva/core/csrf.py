"""Refuse cross-site state-changing requests (the cookie would otherwise ride along).

Browsers send `Sec-Fetch-Site` (and `Origin`) on every state-changing request; clients that
send neither are not browsers, carry no ambient cookie, and pass. Login and register are covered
too, so another site cannot sign a visitor into an account of its choosing.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from ailingva.core.errors import ErrorCode, error_response

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class CrossSiteRequestGuard:
    def __init__(self, app: ASGIApp, allowed_origins: list[str]) -> None:
        self.app = app
        self.allowed_origins = frozenset(o.rstrip("/").lower() for o in allowed_origins)

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
        origin = headers.get("origin")
        site = headers.get("sec-fetch-site")
        if site in ("same-origin", "none"):
            return True
        if origin is None:
            # No Origin: a same-site browser request without one is impossible for unsafe
            # methods in current browsers, and non-browser clients carry no ambient cookie.
            return site is None
        origin = origin.rstrip("/").lower()
        return origin in self.allowed_origins or origin == _own_origin(headers, scope)


def _own_origin(headers: Headers, scope: Scope) -> str | None:
    host = headers.get("host")
    return f"{scope.get('scheme', 'http')}://{host}".lower() if host else None
