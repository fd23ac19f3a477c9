"""Which new passwords we refuse: the most common ones (NIST SP 800-63B's blocklist advice)."""

from functools import lru_cache

from zxcvbn.frequency_lists import FREQUENCY_LISTS

# Keyboard walks and words Russian speakers use that the English list lacks.
_RUSSIAN_COMMON = frozenset(
    {
        "йцукенгш",
        "йцукенгшщз",
        "пароль123",
        "парольпароль",
        "qwertyйцукен",
        "1q2w3e4r5t",
        "ytrewq123",
        "zaq12wsx",
        "gfhjkm123",
        "gfhjkmgfhjkm",
    }
)


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    return frozenset(FREQUENCY_LISTS["passwords"]) | _RUSSIAN_COMMON


def is_common_password(password: str, *, email: str = "") -> bool:
    lowered = password.lower()
    if lowered in _common_passwords():
        return True
    local_part = email.split("@", 1)[0].lower()
    return lowered in {email.lower(), local_part} or len(set(lowered)) <= 2
