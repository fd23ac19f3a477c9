"""Offline engines: faster-whisper, llama.cpp, Piper and espeak-ng/festival in their own processes.

Heavy libraries are imported when a model is first loaded, so building these providers is cheap.
"""

from __future__ import annotations

from ailingva.providers.base import LanguageModel, SpeechToText, TextToSpeech
from ailingva.providers.compose import LanguageRoutedTTS
from ailingva.providers.local.command_tts import CommandTTS
from ailingva.providers.local.llama import LlamaCppLLM
from ailingva.providers.local.piper import PiperTTS
from ailingva.providers.local.whisper import WhisperSTT
from ailingva.providers.settings import ProviderSettings


def build_stt(settings: ProviderSettings) -> SpeechToText:
    return WhisperSTT(
        settings.local_stt_model,
        settings.models_dir,
        cpu_threads=settings.local_stt_threads or settings.local_threads,
        word_timestamps=settings.local_stt_word_timestamps,
    )


def build_llm(settings: ProviderSettings) -> LanguageModel:
    return LlamaCppLLM(
        settings.local_llm_model,
        settings.models_dir,
        n_threads=settings.local_llm_threads or settings.local_threads,
        n_ctx=settings.local_llm_context,
    )


def build_tts(settings: ProviderSettings) -> TextToSpeech:
    # English through Piper; the Russian phrases of explanations through espeak-ng or festival.
    return LanguageRoutedTTS(
        {
            "en": PiperTTS(
                settings.local_tts_voice,
                settings.models_dir,
                threads=settings.local_tts_threads or settings.local_threads,
            ),
            "ru": CommandTTS(settings.local_ru_tts_voice),
        }
    )
