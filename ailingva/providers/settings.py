"""Which provider serves each capability, with what models, voices and keys."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import PrivateAttr, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from ailingva.core.config import PROJECT_ROOT
from ailingva.core.text import has_unstorable_characters

log = logging.getLogger(__name__)

ProviderName = Literal["local", "openai", "yandex", "fake"]

# The URLs each API key is sent to. A key is bound to the hosts those URLs had when it was
# entered: a URL moved to another host does not take the key along.
KEY_URL_FIELDS: dict[str, tuple[str, ...]] = {
    "openai_api_key": ("openai_base_url",),
    "yandex_api_key": ("yandex_stt_url", "yandex_tts_url"),
}
_DEFAULT_PORTS = {"http": 80, "https": 443}


def url_origin(url: str) -> str:
    """`scheme://host:port` of `url` (lower case, the port spelled out): what a key is bound to."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:  # not a number: no host this could match
        port = None
    return f"{scheme}://{(parts.hostname or '').lower()}:{port or _DEFAULT_PORTS.get(scheme, '')}"


@dataclass(frozen=True)
class BoundKey:
    """A stored API key with the origins it was entered for."""

    value: str = field(repr=False)
    origins: frozenset[str]


class ProviderSettings(BaseSettings):
    """From environment variables of the same names in upper case (STT_PROVIDER, …)."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    stt_provider: ProviderName = "local"
    llm_provider: ProviderName = "local"
    tts_provider: ProviderName = "local"
    # Asked when the primary fails (e.g. STT_PROVIDER=yandex, STT_FALLBACK=local).
    stt_fallback: ProviderName | None = None
    llm_fallback: ProviderName | None = None
    tts_fallback: ProviderName | None = None

    models_dir: Path = PROJECT_ROOT / "models"
    local_stt_model: str = "whisper-base"
    local_llm_model: str = "qwen2.5-coder-1.5b"
    local_tts_voice: str = "piper-joe"
    # festival-ru sounds far better (Whisper understands it, not espeak-ng's Russian);
    # espeak-ru answers in a few milliseconds.
    local_ru_tts_voice: str = "festival-ru"
    # Hears from the voice whether the student has finished a spoken turn: "smart-turn-v3.2",
    # or "none" (silence and the words decide). Off by default: on the latency bench's voices it
    # heard 14 of 32 ends as finished and 15 of 30 pauses inside a sentence as unfinished
    # (`python -m bench.turn_verdicts`), so it would only wait longer or cut in.
    local_turn_model: str = "none"
    local_threads: int = 2
    # Speak a reply's short first clause ("Oh,") before its sentence is complete.
    speak_first_clause: bool = True
    # Threads of one engine, where it differs from LOCAL_THREADS (the stages of a voice turn
    # overlap: the model writes while Piper speaks its first sentence).
    local_stt_threads: int | None = None
    local_llm_threads: int | None = None
    local_tts_threads: int | None = None
    local_llm_context: int = 4096
    local_stt_word_timestamps: bool = False
    # The model the brain's deep grammar pass scores candidate corrections with ("none": off).
    # Off by default: about 0.7 CPU s a student sentence next to the live turn on the same cores
    # (issue #15), and the analysis's real-word precision is still under 0.60 (README).
    analysis_model: str = "none"
    # "openai": the deep pass also asks the OpenAI-compatible endpoint (OPENAI_BASE_URL,
    # OPENAI_LLM_MODEL) for a corrected sentence and keeps the edits its checks do not contradict.
    analysis_llm: Literal["none", "openai"] = "none"

    # Any OpenAI-compatible server: OpenAI itself, llama.cpp server, vLLM, Ollama.
    openai_base_url: str = "https://api.openai.com/v1"
    openai_api_key: SecretStr | None = None
    openai_stt_model: str = "whisper-1"
    openai_llm_model: str = "gpt-4o-mini"
    openai_tts_model: str = "tts-1"
    openai_tts_voice: str = "alloy"
    openai_timeout_seconds: float = 30.0

    yandex_api_key: SecretStr | None = None
    yandex_folder_id: str | None = None  # needed only when the key's account has several folders
    yandex_stt_url: str = "https://stt.api.cloud.yandex.net/speech/v1/stt:recognize"
    yandex_tts_url: str = "https://tts.api.cloud.yandex.net/speech/v1/tts:synthesize"
    yandex_voice_ru: str = "alena"
    yandex_voice_en: str = "john"
    yandex_profanity_filter: bool = False
    yandex_timeout_seconds: float = 30.0

    # Where each key may be sent (KEY_URL_FIELDS); a key without an entry: its own URLs'.
    _key_origins: dict[str, frozenset[str]] = PrivateAttr(default_factory=dict)

    @field_validator(
        "stt_fallback",
        "llm_fallback",
        "tts_fallback",
        "local_stt_threads",
        "local_llm_threads",
        "local_tts_threads",
        mode="before",
    )
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and value.strip().lower() in ("", "none") else value

    @field_validator("*")
    @classmethod
    def _storable(cls, value: object) -> object:
        # Stored as JSON by the admin's settings (PostgreSQL refuses a NUL byte there), and sent
        # in URLs and headers: a control character in a model name, URL or key is a mistake.
        text = value.get_secret_value() if isinstance(value, SecretStr) else value
        if isinstance(text, str) and has_unstorable_characters(text):
            raise ValueError("control characters are not allowed")
        return value

    def url_origins(self, key_field: str) -> frozenset[str]:
        """The origins of the URLs `key_field` is sent to, as these settings have them."""
        return frozenset(url_origin(getattr(self, url)) for url in KEY_URL_FIELDS[key_field])

    def key_origins(self, key_field: str) -> frozenset[str]:
        """The origins `key_field` was entered for (a key from the environment: the
        environment's URLs)."""
        return self._key_origins.get(key_field) or self.url_origins(key_field)

    def with_overrides(self, overrides: Mapping[str, Any] | None) -> ProviderSettings:
        """A validated copy with the admin's values on top (keys: field names, any case).

        A key in `overrides` is bound to the URLs it comes with (a BoundKey: to its own
        origins); a key from below keeps its binding. A key whose URLs point elsewhere is
        left out (None): it is never sent to a host it was not entered for.
        """
        if not overrides:
            return self
        changes = {key.lower(): value for key, value in overrides.items()}
        unknown = sorted(set(changes) - set(type(self).model_fields))
        if unknown:
            raise ValueError(f"unknown provider setting(s): {', '.join(unknown)}")
        bound = {k: v for k, v in changes.items() if isinstance(v, BoundKey)}
        changes.update({k: v.value for k, v in bound.items()})
        # model_validate skips the environment: only these values and the overrides count.
        merged = type(self).model_validate({**self.model_dump(), **changes})
        unbound: dict[str, None] = {}
        for key_field in KEY_URL_FIELDS:
            if key_field in bound:
                origins = bound[key_field].origins
            elif key_field in changes:
                origins = merged.url_origins(key_field)
            else:
                origins = self.key_origins(key_field)
            merged._key_origins[key_field] = origins
            if (
                getattr(merged, key_field) is not None
                and not merged.url_origins(key_field) <= origins
            ):
                log.warning(
                    "%s left out: its URLs moved to a host it was not entered for", key_field
                )
                unbound[key_field] = None
        if not unbound:
            return merged
        without = merged.model_copy(update=unbound)
        without._key_origins = dict(merged._key_origins)
        return without
