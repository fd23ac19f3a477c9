"""Builds the three providers from settings, with fallbacks, and swaps them when settings change.

A new provider family is one module with `build_stt` / `build_llm` / `build_tts` functions and
one entry in FAMILIES.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from ailingva.providers import fake, local, openai, yandex
from ailingva.providers.base import (
    AnyProvider,
    LanguageModel,
    Provider,
    ProviderError,
    ProviderErrorCode,
    SpeechToText,
    TextToSpeech,
)
from ailingva.providers.compose import FallbackLLM, FallbackSTT, FallbackTTS
from ailingva.providers.settings import ProviderName, ProviderSettings

log = logging.getLogger(__name__)

Factory = Callable[[ProviderSettings], AnyProvider]
Capability = Literal["stt", "llm", "tts"]
CAPABILITIES: tuple[Capability, ...] = ("stt", "llm", "tts")


@dataclass(frozen=True)
class Family:
    """What one provider family offers; None where it has no such engine."""

    stt: Factory[SpeechToText] | None = None
    llm: Factory[LanguageModel] | None = None
    tts: Factory[TextToSpeech] | None = None


FAMILIES: dict[ProviderName, Family] = {
    "local": Family(stt=local.build_stt, llm=local.build_llm, tts=local.build_tts),
    "openai": Family(stt=openai.build_stt, llm=openai.build_llm, tts=openai.build_tts),
    "yandex": Family(stt=yandex.build_stt, tts=yandex.build_tts),
    "fake": Family(stt=fake.build_stt, llm=fake.build_llm, tts=fake.build_tts),
}


@dataclass(frozen=True)
class Providers:
    """One consistent set; a voice turn takes one set and keeps it to the end of the turn."""

    settings: ProviderSettings
    stt: SpeechToText
    llm: LanguageModel
    tts: TextToSpeech

    def all(self) -> tuple[Provider, ...]:
        return (self.stt, self.llm, self.tts)


def build_providers(
    settings: ProviderSettings, overrides: Mapping[str, Any] | None = None
) -> Providers:
    """The providers the settings (with the admin's overrides on top) ask for.

    Raises ProviderError (code provider_not_configured) for a family that lacks the capability,
    an unknown model or a missing key, and ValueError for an unknown or invalid override.
    """
    settings = settings.with_overrides(overrides)
    return Providers(
        settings=settings,
        stt=_build("stt", settings.stt_provider, settings.stt_fallback, settings, FallbackSTT),
        llm=_build("llm", settings.llm_provider, settings.llm_fallback, settings, FallbackLLM),
        tts=_build("tts", settings.tts_provider, settings.tts_fallback, settings, FallbackTTS),
    )


def _build(
    capability: Capability,
    primary: ProviderName,
    fallback: ProviderName | None,
    settings: ProviderSettings,
    with_fallback: Callable[[AnyProvider, AnyProvider], AnyProvider],
) -> AnyProvider:
    built: AnyProvider = _factory(capability, primary)(settings)
    if fallback is None or fallback == primary:
        return built
    return with_fallback(built, _factory(capability, fallback)(settings))


def families_offering(capability: Capability) -> list[ProviderName]:
    """The provider families that have an engine for `capability`."""
    return [name for name, family in FAMILIES.items() if getattr(family, capability) is not None]


def build_primary(settings: ProviderSettings, capability: Capability) -> Provider:
    """The capability's primary engine alone, without its fallback: what a check asks."""
    primary: ProviderName = getattr(settings, f"{capability}_provider")
    built: Provider = _factory(capability, primary)(settings)
    return built


def _factory(capability: Capability, name: ProviderName) -> Factory[Any]:
    factory: Factory[Any] | None = getattr(FAMILIES[name], capability)
    if factory is None:
        offered = ", ".join(families_offering(capability))
        raise ProviderError(
            ProviderErrorCode.NOT_CONFIGURED,
            f"{name!r} has no {capability} engine; choose one of: {offered}",
            provider=name,
        )
    return factory


class ProviderRegistry:
    """The app's current providers; `reconfigure` swaps them while the app runs.

    Requests in flight keep the set they started with. Replaced sets are closed when the
    registry closes, not at the swap, so no turn loses its engine half-way.

    `version` names the stored settings the current set was built from (an opaque stamp the
    store changes with every change): an app process whose stamp differs from the store's
    rebuilds, which is how a change made in one process reaches the others.
    """

    def __init__(
        self,
        settings: ProviderSettings,
        overrides: Mapping[str, Any] | None = None,
        *,
        version: str | None = None,
    ):
        self._base = settings
        self._current = build_providers(settings, overrides)
        self._retired: list[Providers] = []
        self.version = version
        # For the health check: whether the models are loaded (a turn before then waits).
        self.state: Literal["loading", "ready", "error"] = "loading"

    @property
    def current(self) -> Providers:
        return self._current

    def settings_with(self, overrides: Mapping[str, Any] | None) -> ProviderSettings:
        """The settings `build(overrides)` would use (ValueError if they are invalid)."""
        return self._base.with_overrides(overrides)

    def build(self, overrides: Mapping[str, Any] | None) -> Providers:
        """A new set from the base settings plus `overrides` (raises if they do not build)."""
        return build_providers(self._base, overrides)

    def use(self, new: Providers, *, version: str | None = None) -> None:
        """Make `new` the current set (built from the stored settings `version`; without one,
        the version stays); the old one is closed with the registry."""
        self._retired.append(self._current)
        self._current = new
        if version is not None:
            self.version = version
        log.info("providers now stt=%s llm=%s tts=%s", new.stt.name, new.llm.name, new.tts.name)

    def reconfigure(
        self, overrides: Mapping[str, Any] | None, *, version: str | None = None
    ) -> Providers:
        """Build a new set and use it; on error the old set stays."""
        new = self.build(overrides)
        self.use(new, version=version)
        return new

    async def warm_up(self) -> None:
        """Load the local models and start their processes before the first turn needs them."""
        self.state = "loading"
        try:
            for provider in self._current.all():
                await provider.warm_up()
        except BaseException:
            self.state = "error"
            raise
        self.state = "ready"

    async def aclose(self) -> None:
        for providers in (*self._retired, self._current):
            for provider in providers.all():
                await provider.aclose()
        self._retired.clear()
