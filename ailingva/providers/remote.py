"""What the remote engines share: their HTTP and transport failures as ProviderErrors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ailingva.providers.base import ProviderError, ProviderErrorCode


def error_for_status(status: int, detail: str, *, provider: str) -> ProviderError:
    """Map an HTTP status of a remote provider to a ProviderError."""
    if status in (401, 403):
        return ProviderError(ProviderErrorCode.AUTH_FAILED, detail, provider=provider)
    if status == 404:
        return ProviderError(ProviderErrorCode.UNSUPPORTED, detail, provider=provider)
    if status == 429:
        return ProviderError(
            ProviderErrorCode.RATE_LIMITED, detail, provider=provider, retryable=True
        )
    if status == 408 or status >= 500:
        return ProviderError(
            ProviderErrorCode.UNAVAILABLE, detail, provider=provider, retryable=True
        )
    return ProviderError(ProviderErrorCode.BAD_INPUT, detail, provider=provider)


@contextmanager
def transport_errors(
    action: str,
    *,
    provider: str,
    timeout: type[Exception],
    unreachable: type[Exception],
) -> Iterator[None]:
    """Turn a client's `timeout` and `unreachable` exceptions into retryable ProviderErrors
    (`timeout` first: a client may make it a kind of `unreachable`)."""
    try:
        yield
    except timeout as exc:
        raise ProviderError(
            ProviderErrorCode.TIMEOUT, f"{action}: timed out", provider=provider, retryable=True
        ) from exc
    except unreachable as exc:
        raise ProviderError(
            ProviderErrorCode.UNAVAILABLE, f"{action}: {exc!r}", provider=provider, retryable=True
        ) from exc
