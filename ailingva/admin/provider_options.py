"""What the providers screen offers to choose from: the provider families of each capability,
the local models of the manifest (and which are pulled here), and the voices of each family."""

from __future__ import annotations

import shutil
from pathlib import Path

from pydantic import BaseModel, Field

from ailingva.providers import openai, yandex
from ailingva.providers.base import Voice
from ailingva.providers.local.command_tts import COMMANDS
from ailingva.providers.local.manifest import MODELS
from ailingva.providers.local.pull import model_present
from ailingva.providers.registry import CAPABILITIES, Capability, families_offering
from ailingva.providers.settings import ProviderName


class CapabilityOptions(BaseModel):
    capability: Capability
    providers: list[ProviderName] = Field(description="Families with an engine for it")


class LocalModelOption(BaseModel):
    name: str
    kind: Capability
    description: str
    languages: list[str]
    size_mb: int
    installed: bool = Field(description="Its files are in MODELS_DIR (`ailingva models pull`)")


class VoiceOption(BaseModel):
    name: str
    languages: list[str]
    installed: bool = True


class ProviderVoices(BaseModel):
    openai: list[VoiceOption]
    yandex: list[VoiceOption]
    local: list[VoiceOption] = Field(description="Piper voices (English)")
    local_ru: list[VoiceOption] = Field(description="espeak-ng / festival (Russian)")


class ProviderOptions(BaseModel):
    capabilities: list[CapabilityOptions]
    local_models: list[LocalModelOption]
    voices: ProviderVoices


def _voices(voices: tuple[Voice, ...]) -> list[VoiceOption]:
    return [VoiceOption(name=v.name, languages=list(v.languages)) for v in voices]


def provider_options(models_dir: Path, *, offer_fake: bool) -> ProviderOptions:
    """The choices; the fake engines only where tests run (`offer_fake`)."""
    capabilities = [
        CapabilityOptions(
            capability=capability,
            providers=[
                name for name in families_offering(capability) if offer_fake or name != "fake"
            ],
        )
        for capability in CAPABILITIES
    ]
    models = [
        LocalModelOption(
            name=spec.name,
            kind=spec.kind,
            description=spec.description,
            languages=list(spec.languages),
            size_mb=round(spec.size / 1e6),
            installed=model_present(spec, models_dir),
        )
        for spec in MODELS.values()
        if spec.kind in CAPABILITIES  # not the end-of-turn model: no provider setting picks it
    ]
    voices = ProviderVoices(
        openai=[VoiceOption(name=name, languages=["en", "ru"]) for name in openai.OPENAI_VOICES],
        yandex=_voices(yandex.VOICES),
        local=[
            VoiceOption(name=m.name, languages=m.languages, installed=m.installed)
            for m in models
            if m.kind == "tts"
        ],
        local_ru=[
            VoiceOption(
                name=name,
                languages=list(command.voice.languages),
                installed=shutil.which(command.argv[0]) is not None,
            )
            for name, command in COMMANDS.items()
        ],
    )
    return ProviderOptions(capabilities=capabilities, local_models=models, voices=voices)
