"""Signing a browser in: a cookie session started for the user, its secret in the cookie.

Registration (`signup`) and log-in end the same way, so both take `BrowserSignIn`.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import Depends, Request, Response

from ailingva.api.deps import LimiterDep, SessionDep, SettingsDep
from ailingva.auth import service
from ailingva.auth.deps import ClientDep
from ailingva.auth.models import SESSION_COOKIE, AuthSessionKind, UserAccount
from ailingva.auth.schemas import UserPublic
from ailingva.core.db import utcnow


@dataclass
class BrowserSignIn:
    """What a sign-in route needs besides its body: the request's session and client."""

    request: Request
    response: Response
    db: SessionDep
    settings: SettingsDep
    limiter: LimiterDep
    client: ClientDep

    def signed_in(self, user: UserAccount, *, now: datetime | None = None) -> UserPublic:
        """Start a browser session for the user and hand its secret over in the cookie."""
        started = service.start_session(
            self.db, self.settings, user, AuthSessionKind.COOKIE, self.client, now=now or utcnow()
        )
        self.response.set_cookie(
            SESSION_COOKIE,
            started.secret,
            max_age=int(timedelta(days=self.settings.session_absolute_days).total_seconds()),
            httponly=True,
            samesite="lax",
            secure=self.settings.cookie_secure or self.request.url.scheme == "https",
            path="/",
        )
        return service.user_public(self.db, user)


BrowserSignInDep = Annotated[BrowserSignIn, Depends()]
