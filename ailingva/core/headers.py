"""Security headers on every response: the web app, its assets, the API and error answers.

The web app's policy allows only its own origin: scripts, the microphone worklet and the API
(`connect-src 'self'` covers the same-origin WebSocket). Styles may be inline because React and
the charts set `style` attributes; tutor clips play from `data:` URLs. The API explorer
(`/docs`, `/redoc`) loads its scripts from a CDN and gets a policy of its own.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# What every response says, whatever its type.
ALWAYS: dict[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "microphone=(self), camera=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}

APP_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "media-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
# Non-HTML answers (JSON, assets) render nothing; the policy only forbids framing and plugins.
NON_HTML_POLICY = "default-src 'none'; frame-ancestors 'none'"
_CDN = "https://cdn.jsdelivr.net"
DOCS_POLICY = "; ".join(
    (
        "default-src 'self'",
        f"script-src 'self' 'unsafe-inline' {_CDN}",
        f"style-src 'self' 'unsafe-inline' {_CDN} https://fonts.googleapis.com",
        "font-src 'self' https://fonts.gstatic.com",
        "img-src 'self' data: https://fastapi.tiangolo.com",
        "worker-src 'self' blob:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
    )
)


def security_headers(content_type: str, *, docs: bool = False) -> dict[str, str]:
    """The headers for a response of `content_type` (`docs`: the API explorer's pages)."""
    if content_type.startswith("text/html"):
        policy = DOCS_POLICY if docs else APP_POLICY
    else:
        policy = NON_HTML_POLICY
    return {**ALWAYS, "Content-Security-Policy": policy}


class SecurityHeaders:
    """ASGI middleware: adds the headers to every HTTP response (and to a refused WebSocket
    handshake's), leaving any the route set itself."""

    def __init__(self, app: ASGIApp, *, docs_paths: Iterable[str | None] = ()) -> None:
        self.app = app
        self.docs_paths = frozenset(path for path in docs_paths if path)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        docs = scope.get("path", "") in self.docs_paths

        async def send_with_headers(message: Message) -> None:
            if message["type"] in ("http.response.start", "websocket.http.response.start"):
                headers = MutableHeaders(scope=message)
                wanted = security_headers(headers.get("content-type", ""), docs=docs)
                for name, value in wanted.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)
