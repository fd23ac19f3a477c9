"""One error shape for the whole API: `{"error": {"code": ..., "message": ...}}`.

Codes are stable and machine-readable; messages are Russian, because the UI shows them.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger(__name__)


class ErrorCode(StrEnum):
    VALIDATION_ERROR = "validation_error"
    NOT_AUTHENTICATED = "not_authenticated"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    INVALID_CREDENTIALS = "invalid_credentials"
    TOO_MANY_ATTEMPTS = "too_many_attempts"
    EMAIL_TAKEN = "email_taken"
    WEAK_PASSWORD = "weak_password"  # noqa: S105 (an error code)
    CROSS_SITE_REQUEST = "cross_site_request"
    INSUFFICIENT_FUNDS = "insufficient_funds"
    IDEMPOTENCY_CONFLICT = "idempotency_conflict"
    UNKNOWN_PACKAGE = "unknown_package"
    UNKNOWN_REFERRAL_CODE = "unknown_referral_code"
    PAYMENT_PROVIDER_ERROR = "payment_provider_error"
    PAYMENT_NOT_REFUNDABLE = "payment_not_refundable"
    FREE_PACKAGE = "free_package"
    BALANCE_LIMIT = "balance_limit"
    LESSON_NOT_FOUND = "lesson_not_found"
    LESSON_ENDED = "lesson_ended"
    CONFLICT = "conflict"
    AUDIO_EMPTY = "audio_empty"
    AUDIO_TOO_LARGE = "audio_too_large"
    AUDIO_TOO_LONG = "audio_too_long"
    AUDIO_UNSUPPORTED = "audio_unsupported"
    AUDIO_UNDECODABLE = "audio_undecodable"
    NO_SPEECH = "no_speech"
    TUTOR_UNAVAILABLE = "tutor_unavailable"
    UNKNOWN_SETTING = "unknown_setting"
    INVALID_SETTING = "invalid_setting"
    INTERNAL_ERROR = "internal_error"
    HTTP_ERROR = "http_error"


class AppError(Exception):
    """An expected failure with a stable code, a user-facing message and an HTTP status."""

    def __init__(
        self,
        code: ErrorCode | str,
        message: str,
        status: int = 400,
        *,
        details: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = str(code)
        self.message = message
        self.status = status
        self.details = details
        self.headers = headers


class ErrorBody(BaseModel):
    code: str
    message: str
    details: Any = None


class ErrorResponse(BaseModel):
    """The body of every error response."""

    error: ErrorBody


def error_response(
    code: str,
    message: str,
    status: int,
    *,
    details: Any = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    return JSONResponse({"error": body}, status_code=status, headers=headers)


# What FastAPI raises when the body cannot be decoded at all (not merely invalid JSON).
FASTAPI_BODY_PARSE_ERROR = "There was an error parsing the body"

_STATUS_CODES: dict[int, tuple[ErrorCode, str]] = {
    401: (ErrorCode.NOT_AUTHENTICATED, "Нужно войти в аккаунт."),
    403: (ErrorCode.FORBIDDEN, "Недостаточно прав."),
    404: (ErrorCode.NOT_FOUND, "Не найдено."),
    405: (ErrorCode.METHOD_NOT_ALLOWED, "Метод не поддерживается."),
}


def _validation_details(exc: RequestValidationError) -> list[dict[str, Any]]:
    details = []
    for err in exc.errors():
        loc = [str(part) for part in err.get("loc", ())]
        details.append({"field": ".".join(loc), "type": err.get("type"), "message": err.get("msg")})
    return details


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(_: Request, exc: AppError) -> JSONResponse:
        return error_response(
            exc.code, exc.message, exc.status, details=exc.details, headers=exc.headers
        )

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(
            ErrorCode.VALIDATION_ERROR,
            "Проверьте введённые данные.",
            422,
            details=_validation_details(exc),
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400 and exc.detail == FASTAPI_BODY_PARSE_ERROR:
            # A body that is not text (e.g. not UTF-8) is invalid input like malformed JSON.
            return error_response(
                ErrorCode.VALIDATION_ERROR,
                "Тело запроса должно быть JSON в кодировке UTF-8.",
                422,
                details=[{"field": "body", "type": "body_decode", "message": exc.detail}],
            )
        code, message = _STATUS_CODES.get(exc.status_code, (ErrorCode.HTTP_ERROR, str(exc.detail)))
        return error_response(code, message, exc.status_code, headers=exc.headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(
            ErrorCode.INTERNAL_ERROR, "Что-то пошло не так. Попробуйте ещё раз.", 500
        )


def document_error_shape(app: FastAPI) -> None:
    """Make the OpenAPI schema tell the truth: validation errors use our shape, not FastAPI's."""
    default_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = default_openapi()
        ours, theirs = "#/components/schemas/ErrorResponse", "#/components/schemas/"
        _replace_refs(schema["paths"], {f"{theirs}HTTPValidationError": ours})
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        for name in ("HTTPValidationError", "ValidationError"):
            schemas.pop(name, None)
        template = "#/components/schemas/{model}"
        schemas.setdefault("ErrorResponse", ErrorResponse.model_json_schema(ref_template=template))
        schemas.setdefault("ErrorBody", ErrorBody.model_json_schema(ref_template=template))
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _replace_refs(node: Any, mapping: dict[str, str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and value in mapping:
                node[key] = mapping[value]
            else:
                _replace_refs(value, mapping)
    elif isinstance(node, list):
        for item in node:
            _replace_refs(item, mapping)
