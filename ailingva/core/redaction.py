"""Secrets kept out of the server's logs.

API clients may pass their bearer token to the voice WebSocket as `?access_token=` (a socket
cannot always set a header), and uvicorn writes the path with its query to the access and
error logs. The filter blanks the token in those records, before any handler sees them.
"""

from __future__ import annotations

import logging
import re

SECRET_PARAMETER = re.compile(r"(access_token=)[^&\s\"']+", re.IGNORECASE)
SERVER_LOGGERS = ("uvicorn.access", "uvicorn.error")


def redact(text: str) -> str:
    return SECRET_PARAMETER.sub(r"\1[redacted]", text)


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            args = record.args.items()
            record.args = {k: redact(v) if isinstance(v, str) else v for k, v in args}
        return True


def install_log_redaction() -> None:
    """Once per process, on the loggers that write request paths."""
    for name in SERVER_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())
