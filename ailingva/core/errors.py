"""One error shape for the whole API: `{"error": {"code": ..., "message": ...}}`.

Codes are stable and machine-readable; messages are Russian, because the UI shows them.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from fastapi import FastAPI, Request, WebSocket
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.websockets import WebSocketState

from ailingva.core.headers import security_headers

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
    RESET_LINK_INVALID = "reset_link_invalid"
    RESET_LINK_EXPIRED = "reset_link_expired"
    RESET_LINK_USED = "reset_link_used"
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
    KEY_HOST_CHANGED = "key_host_changed"
    ACCOUNT_BLOCKED = "account_blocked"
    LAST_ADMIN = "last_admin"
    OWN_ACCOUNT = "own_account"
    INTERNAL_ERROR = "internal_error"
    DATABASE_UNAVAILABLE = "database_unavailable"
    HTTP_ERROR = "http_error"
    ANALYTICS_PERIOD_INVALID = "analytics_period_invalid"
    FAILED_JOB_NOT_FOUND = "failed_job_not_found"
    UNKNOWN_JOB = "unknown_job"
    RULE_NOT_FOUND = "rule_not_found"
    RULE_SCOPE_INVALID = "rule_scope_invalid"
    RULE_STUDENT_NOT_FOUND = "rule_student_not_found"
    RULE_NOT_ENGLISH = "rule_not_english"
    RULE_EXPIRY_PAST = "rule_expiry_past"
    RULE_BRAIN_READ_ONLY = "rule_brain_read_only"
    RULE_DRAFT_INVALID = "rule_draft_invalid"
    RULE_DRAFT_UNAVAILABLE = "rule_draft_unavailable"


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


# The database cannot be reached or answered with a transient failure (connection refused or
# lost, server shutting down, lock or statement timeout; the pool has no free connection).
DATABASE_UNAVAILABLE_ERRORS = (sa_exc.OperationalError, sa_exc.TimeoutError)
DATABASE_RETRY_AFTER_SECONDS = 5
# The close code that tells a WebSocket client to try again later.
WS_TRY_AGAIN_LATER = 1013


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


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def _allowed_methods(request: Request) -> str:
    """Every method the path answers to. Starlette's 405 names only those of the first route that
    matched the path, though other routes (FastAPI declares one per method) share it."""
    scope = request.scope
    allowed = []
    for method in _METHODS:
        probe = {"type": "http", "method": method, "path": scope["path"], "headers": []}
        probe["root_path"] = scope.get("root_path", "")
        if any(route.matches(probe)[0] == Match.FULL for route in request.app.router.routes):
            allowed.append(method)
    return ", ".join(allowed)


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
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400 and exc.detail == FASTAPI_BODY_PARSE_ERROR:
            # A body that is not text (e.g. not UTF-8) is invalid input like malformed JSON.
            return error_response(
                ErrorCode.VALIDATION_ERROR,
                "Тело запроса должно быть JSON в кодировке UTF-8.",
                422,
                details=[{"field": "body", "type": "body_decode", "message": exc.detail}],
            )
        code, message = _STATUS_CODES.get(exc.status_code, (ErrorCode.HTTP_ERROR, str(exc.detail)))
        headers = dict(exc.headers or {})
        if exc.status_code == 405 and (allowed := _allowed_methods(request)):
            headers["Allow"] = allowed
        return error_response(code, message, exc.status_code, headers=headers)

    for database_error in DATABASE_UNAVAILABLE_ERRORS:
        app.add_exception_handler(database_error, _database_unavailable)  # type: ignore[arg-type]

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        # This answer is sent outside the middleware stack: it carries the headers itself.
        return error_response(
            ErrorCode.INTERNAL_ERROR,
            "Что-то пошло не так. Попробуйте ещё раз.",
            500,
            headers=security_headers("application/json"),
        )


async def _database_unavailable(
    conn: Request | WebSocket, exc: sa_exc.SQLAlchemyError
) -> JSONResponse | None:
    """503 with a code (the client may try again), not a 500: the database is away. A
    WebSocket handshake is refused the same way (or closed with 1013 where the server cannot
    send an HTTP answer to a handshake)."""
    cause = exc.orig if isinstance(exc, sa_exc.DBAPIError) else exc
    # The driver's message only (never the statement or its parameters: they carry user data).
    reason = str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__
    log.warning("database unavailable on %s: %s: %s", conn.url.path, type(cause).__name__, reason)
    response = error_response(
        ErrorCode.DATABASE_UNAVAILABLE,
        "Сервис временно недоступен: база данных не отвечает. Попробуйте через минуту.",
        503,
        headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
    )
    if isinstance(conn, Request):
        return response
    if conn.application_state == WebSocketState.CONNECTING and (
        "websocket.http.response" in conn.scope.get("extensions", {})
    ):
        return response
    if conn.application_state != WebSocketState.DISCONNECTED:
        await conn.close(code=WS_TRY_AGAIN_LATER)
    return None


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
