"""Text as it may be stored: no control characters (PostgreSQL refuses a NUL byte in text, and
none of them means anything in a name or a message) and no lone surrogates (not encodable as
UTF-8, so no database takes them)."""

from __future__ import annotations

import re

from pydantic import AfterValidator, BeforeValidator

# C0 controls but tab, line feed and carriage return; DEL; the surrogate block.
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def has_unstorable_characters(text: str) -> bool:
    return _UNSTORABLE.search(text) is not None


def _cleaned(value: object) -> object:
    return _UNSTORABLE.sub("", value) if isinstance(value, str) else value


# Free text from a person (a name, a message): the characters dropped before the other checks,
# so that one which is left empty is refused as empty. Put it last in the `Annotated`.
CleanText = BeforeValidator(_cleaned)
# The same, after the length checks: for a text whose limits count what was sent (a text cut
# below its least length by the cleaning is kept: it was valid as sent).
CleanTextAfter = AfterValidator(_cleaned)
