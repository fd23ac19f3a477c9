"""Settings from the environment (and `.env`), validated once at start-up."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = PROJECT_ROOT / "data"

# Values people paste from examples; refused as SECRET_KEY outside development.
PLACEHOLDER_SECRETS = frozenset(
    {"", "changeme", "change-me", "secret", "secret-key", "your-secret-key", "please-change-me"}
)
MIN_SECRET_LENGTH = 32
# Where `make run` serves the app: the links in mails point here when PUBLIC_URL is unset.
DEVELOPMENT_URL = "http://127.0.0.1:8000"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = f"sqlite:///{DATA_DIR / 'ailingva.db'}"
    redis_url: str | None = None
    secret_key: str = ""
    # Keys SECRET_KEY had before a rotation: stored API keys sealed with them still open.
    previous_secret_keys: list[str] = Field(default_factory=list)
    # Origins allowed to call the API from a browser (CORS and the cross-site check).
    allowed_origins: list[str] = Field(
        default_factory=lambda: [
            "http://127.0.0.1:8000",
            "http://localhost:8000",
            "http://127.0.0.1:5173",
            "http://localhost:5173",
        ]
    )
    data_dir: Path = DATA_DIR
    # Pull the models the local engines use at start-up (in the background, the progress on the
    # log): a container's first start fills its models volume this way.
    pull_models: bool = False
    frontend_dist: Path = PROJECT_ROOT / "frontend" / "dist"

    # A session dies after this long without use, and in any case after the absolute lifetime.
    session_idle_minutes: int = 60 * 24 * 7
    session_absolute_days: int = 30
    # Force the Secure cookie flag even when the request itself arrived over plain HTTP
    # (behind a TLS-terminating proxy that does not forward the scheme).
    cookie_secure: bool = False
    access_token_minutes: int = 15

    # Where students reach the app (links in mails, referral links, payment return pages).
    # Required in production; in development the request's own address, and DEVELOPMENT_URL in
    # mails (a mail's link is never built from a request's Host header, which the sender chose).
    public_url: str | None = None
    payment_provider: Literal["test", "yookassa"] = "test"
    yookassa_shop_id: str = ""
    yookassa_secret_key: str = ""
    yookassa_api_url: str = "https://api.yookassa.ru/v3"

    # Outgoing mail (password reset links). Without SMTP_HOST, development writes each mail
    # to the log instead; production logs that it was not sent.
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_from: str = "AIlingva <no-reply@localhost>"
    smtp_starttls: bool = True

    login_max_failures_per_account: int = 5
    login_max_failures_per_address: int = 20
    login_failure_window_seconds: int = 15 * 60

    @model_validator(mode="after")
    def _secret_key_is_real(self) -> Settings:
        weak = (
            self.secret_key.strip().lower() in PLACEHOLDER_SECRETS
            or len(self.secret_key) < MIN_SECRET_LENGTH
        )
        if weak:
            if self.environment != "development":
                raise ValueError(
                    f"SECRET_KEY must be set to a random value of at least {MIN_SECRET_LENGTH} "
                    f"characters when ENVIRONMENT={self.environment} (make one with "
                    "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`)"
                )
            self.secret_key = _development_secret(self.data_dir)
        return self

    @model_validator(mode="after")
    def _real_payments_in_production(self) -> Settings:
        if self.environment == "production" and self.payment_provider == "test":
            raise ValueError("PAYMENT_PROVIDER=test credits money for nothing: not in production")
        if self.payment_provider == "yookassa" and not (
            self.yookassa_shop_id and self.yookassa_secret_key
        ):
            raise ValueError(
                "PAYMENT_PROVIDER=yookassa needs YOOKASSA_SHOP_ID and YOOKASSA_SECRET_KEY"
            )
        return self

    @model_validator(mode="after")
    def _links_and_mail_in_production(self) -> Settings:
        if self.environment != "production":
            return self
        if not self.public_url:
            raise ValueError(
                "PUBLIC_URL must be set in production (e.g. https://ailingva.example): the links "
                "in password reset mails are built from it"
            )
        if self.smtp_user and not self.smtp_starttls:
            raise ValueError("SMTP_USER with SMTP_STARTTLS=false sends the password in clear text")
        return self

    @property
    def mail_link_base(self) -> str:
        """The start of every link in a mail: PUBLIC_URL, or the development address."""
        return (self.public_url or DEVELOPMENT_URL).rstrip("/")

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def _development_secret(data_dir: Path) -> str:
    """A random key kept in data/ so sessions survive restarts of a development server."""
    path = data_dir / "secret_key"
    if path.exists():
        key = path.read_text().strip()
        if len(key) >= MIN_SECRET_LENGTH:
            return key
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


@lru_cache
def get_settings() -> Settings:
    return Settings()
