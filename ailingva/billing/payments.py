"""Payment providers: a built-in test provider, and YooKassa over its REST API (v3).

The provider is never trusted on its word: a webhook only says "look again"; the status is
read back from the provider's API before anything is credited.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, Protocol

import httpx

from ailingva.billing.models import PaymentStatus
from ailingva.core.config import Settings
from ailingva.core.errors import AppError, ErrorCode

log = logging.getLogger(__name__)

TestOutcome = Literal["succeeded", "failed"]


@dataclass(frozen=True)
class ProviderPayment:
    provider_payment_id: str
    status: PaymentStatus
    amount_kopecks: int
    confirmation_url: str | None = None


class PaymentProvider(Protocol):
    name: str

    def create(
        self, *, payment_id: int, amount_kopecks: int, description: str, return_url: str
    ) -> ProviderPayment: ...

    def fetch(self, provider_payment_id: str) -> ProviderPayment: ...

    def refund(self, provider_payment_id: str, amount_kopecks: int) -> None: ...


class InstantPaymentProvider:
    """Pays (or declines) at once, for development and tests. Refused in production."""

    name = "test"

    def __init__(self, outcome: TestOutcome = "succeeded") -> None:
        self.outcome = outcome

    def create(
        self, *, payment_id: int, amount_kopecks: int, description: str, return_url: str
    ) -> ProviderPayment:
        status = PaymentStatus.SUCCEEDED if self.outcome == "succeeded" else PaymentStatus.FAILED
        return ProviderPayment(f"test-{payment_id}", status, amount_kopecks)

    def fetch(self, provider_payment_id: str) -> ProviderPayment:
        raise AppError(
            ErrorCode.PAYMENT_PROVIDER_ERROR, "Тестовый провайдер не принимает уведомления.", 400
        )

    def refund(self, provider_payment_id: str, amount_kopecks: int) -> None:
        return None


def _rub(kopecks: int) -> str:
    return f"{Decimal(kopecks) / 100:.2f}"


def _kopecks(value: str) -> int:
    return int((Decimal(value) * 100).to_integral_exact())


_YOOKASSA_STATUS = {"succeeded": PaymentStatus.SUCCEEDED, "canceled": PaymentStatus.FAILED}


class YooKassaProvider:
    name = "yookassa"

    def __init__(
        self,
        *,
        shop_id: str,
        secret_key: str,
        api_url: str,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._client = httpx.Client(
            base_url=api_url.rstrip("/"),
            auth=(shop_id, secret_key),
            timeout=15,
            transport=transport,
        )

    def _call(
        self,
        method: str,
        path: str,
        *,
        idempotence_key: str | None = None,
        body: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        headers = {"Idempotence-Key": idempotence_key} if idempotence_key else {}
        try:
            response = self._client.request(method, path, json=body, headers=headers)
            response.raise_for_status()
            data: dict[str, Any] = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("yookassa %s %s failed: %s", method, path, exc)
            raise AppError(
                ErrorCode.PAYMENT_PROVIDER_ERROR,
                "Платёжная система не ответила. Попробуйте позже.",
                502,
            ) from exc
        return data

    @staticmethod
    def _parse(data: dict[str, Any]) -> ProviderPayment:
        try:
            amount = data["amount"]
            if amount.get("currency") != "RUB":
                raise ValueError(f"unexpected currency {amount.get('currency')}")
            return ProviderPayment(
                provider_payment_id=str(data["id"]),
                status=_YOOKASSA_STATUS.get(str(data["status"]), PaymentStatus.PENDING),
                amount_kopecks=_kopecks(str(amount["value"])),
                confirmation_url=(data.get("confirmation") or {}).get("confirmation_url"),
            )
        except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
            raise AppError(
                ErrorCode.PAYMENT_PROVIDER_ERROR, "Платёжная система ответила непонятно.", 502
            ) from exc

    def create(
        self, *, payment_id: int, amount_kopecks: int, description: str, return_url: str
    ) -> ProviderPayment:
        data = self._call(
            "POST",
            "/payments",
            idempotence_key=f"ailingva-payment-{payment_id}",
            body={
                "amount": {"value": _rub(amount_kopecks), "currency": "RUB"},
                "capture": True,
                "confirmation": {"type": "redirect", "return_url": return_url},
                "description": description[:128],
                "metadata": {"payment_id": str(payment_id)},
            },
        )
        return self._parse(data)

    def fetch(self, provider_payment_id: str) -> ProviderPayment:
        return self._parse(self._call("GET", f"/payments/{provider_payment_id}"))

    def refund(self, provider_payment_id: str, amount_kopecks: int) -> None:
        self._call(
            "POST",
            "/refunds",
            idempotence_key=f"ailingva-refund-{provider_payment_id}",
            body={
                "payment_id": provider_payment_id,
                "amount": {"value": _rub(amount_kopecks), "currency": "RUB"},
            },
        )


def payment_provider(
    settings: Settings,
    *,
    test_outcome: TestOutcome = "succeeded",
    transport: httpx.BaseTransport | None = None,
) -> PaymentProvider:
    if settings.payment_provider == "yookassa":
        return YooKassaProvider(
            shop_id=settings.yookassa_shop_id,
            secret_key=settings.yookassa_secret_key,
            api_url=settings.yookassa_api_url,
            transport=transport,
        )
    return InstantPaymentProvider(test_outcome)
