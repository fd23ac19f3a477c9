"""The offline engines with real small models: Piper, Whisper tiny.en, SmolLM2, espeak-ng."""

from __future__ import annotations

import asyncio
import difflib
import re
import shutil
from pathlib import Path

import pytest

from ailingva.providers.audio import pcm16_to_float, to_float16k, wav_bytes
from ailingva.providers.base import ChatMessage, ProviderError, ProviderErrorCode
from ailingva.providers.local import whisper
from ailingva.providers.local.command_tts import CommandTTS
from ailingva.providers.local.llama import LlamaCppLLM
from ailingva.providers.local.piper import PiperTTS
from ailingva.providers.local.whisper import WhisperSTT
from ailingva.providers.registry import build_providers
from ailingva.providers.settings import ProviderSettings
from tests.providers.conftest import rms

pytestmark = pytest.mark.models

LEARNER_SENTENCE = "Yesterday I goed to the park with my friend."


def words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


async def test_piper_speech_is_transcribed_by_whisper(models_dir: Path) -> None:
    speech = await PiperTTS("piper-joe", models_dir).synthesize(LEARNER_SENTENCE)
    assert speech.sample_rate == 22_050
    assert 1.5 < speech.duration < 6.0
    assert rms(speech) > 0.03  # speech, not silence or a click

    stt = WhisperSTT("whisper-tiny-en", models_dir)
    # As an upload would arrive: an encoded file at another rate, decoded and resampled.
    transcript = await stt.transcribe(
        wav_bytes(pcm16_to_float(speech.pcm), speech.sample_rate), "en"
    )

    heard = words(transcript.text)
    # Whisper may "correct" goed -> go/went (a known limit); the rest must be heard as spoken.
    similarity = difflib.SequenceMatcher(None, heard, words(LEARNER_SENTENCE)).ratio()
    assert similarity >= 0.75, transcript.text
    assert {"yesterday", "park", "friend"} <= set(heard)
    assert transcript.language == "en"
    assert transcript.segments
    assert all(0 <= s.start < s.end <= speech.duration + 0.5 for s in transcript.segments)


async def test_a_short_utterance_is_decoded_in_a_fitted_window_and_a_loop_the_usual_way(
    models_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    speech = await PiperTTS("piper-joe", models_dir).synthesize(LEARNER_SENTENCE)
    samples = to_float16k(wav_bytes(pcm16_to_float(speech.pcm), speech.sample_rate), provider="t")
    stt = WhisperSTT("whisper-tiny-en", models_dir)
    model = await asyncio.to_thread(stt._model)

    fitted = whisper._transcribe_short(model, samples, "en", None)
    assert fitted is not None
    assert {"yesterday", "park", "friend"} <= set(words(fitted.text))

    # A window of the speech plus a second makes Whisper repeat itself: that answer is refused
    # and the utterance decoded in a full window instead.
    monkeypatch.setattr(whisper, "MIN_WINDOW_SECONDS", 0.0)
    assert whisper._transcribe_short(model, samples, "en", None) is None
    heard = words((await stt.transcribe(samples, "en")).text)
    assert heard.count("park") == 1 and {"yesterday", "friend"} <= set(heard)


async def test_the_learner_prompt_is_not_in_the_transcript_and_a_loop_after_it_is_caught(
    models_dir: Path,
) -> None:
    """Whisper tiny.en sometimes repeats this sentence after the learner prompt (one reason the
    prompt is off by default): a loop is refused and the utterance decoded the usual way; the
    words are the utterance's, once, and nothing of the prompt."""
    speech = await PiperTTS("piper-joe", models_dir).synthesize(LEARNER_SENTENCE)
    samples = to_float16k(wav_bytes(pcm16_to_float(speech.pcm), speech.sample_rate), provider="t")
    stt = WhisperSTT("whisper-tiny-en", models_dir, prompt=whisper.LEARNER_PROMPT)
    heard = words((await stt.transcribe(samples, "en")).text)
    assert heard.count("park") == 1 and {"yesterday", "friend"} <= set(heard)
    assert not {"apple", "sister", "coffee", "weather"} & set(heard)


async def test_word_timestamps_come_from_the_full_decoding(models_dir: Path) -> None:
    speech = await PiperTTS("piper-joe", models_dir).synthesize(LEARNER_SENTENCE)
    stt = WhisperSTT("whisper-tiny-en", models_dir, word_timestamps=True)
    transcript = await stt.transcribe(wav_bytes(pcm16_to_float(speech.pcm), speech.sample_rate))
    spoken = [w for s in transcript.segments for w in s.words]
    assert [words(w.text)[0] for w in spoken[:2]] == ["yesterday", "i"]
    assert all(0 <= w.start <= w.end <= speech.duration + 0.5 for w in spoken)


async def test_english_only_whisper_refuses_russian(models_dir: Path) -> None:
    stt = WhisperSTT("whisper-tiny-en", models_dir)
    with pytest.raises(ProviderError) as caught:
        await stt.transcribe(b"not reached", "ru")
    assert caught.value.code == ProviderErrorCode.UNSUPPORTED


async def test_piper_streams_each_sentence_and_recovers_from_an_abandoned_reply(
    models_dir: Path,
) -> None:
    tts = PiperTTS("piper-joe", models_dir)
    long_reply = "Good try. We say went, not goed. Where did you go last weekend? Tell me more."
    chunks = [chunk async for chunk in tts.synthesize_stream(long_reply)]
    assert len(chunks) >= 3  # one per sentence: playback can start after the first
    assert all(rms(chunk) > 0.02 for chunk in chunks)

    # Barge-in: the listener leaves after the first chunk of a long reply.
    stream = tts.synthesize_stream(long_reply)
    async for _ in stream:
        break
    await stream.aclose()

    short = await tts.synthesize("Hello.")
    # The rest of the abandoned reply must not leak into the next one.
    assert short.duration < 1.5
    await tts.aclose()


async def test_local_model_streams_a_reply(models_dir: Path) -> None:
    llm = LlamaCppLLM("smollm2-135m", models_dir)
    messages = [
        ChatMessage("system", "You are a friendly English tutor."),
        ChatMessage("user", "Hello! I like football. What do you like?"),
    ]
    deltas = [d async for d in llm.stream_chat(messages, max_tokens=40, temperature=0.0)]
    assert len(deltas) > 3
    assert len(words("".join(deltas))) > 3

    # Leaving a stream early frees the model for the next turn.
    stream = llm.stream_chat(messages, max_tokens=200)
    async for _ in stream:
        break
    await stream.aclose()
    assert (await llm.complete(messages, max_tokens=10, temperature=0.0)).strip()


async def test_local_model_answers_json_that_fits_the_schema(models_dir: Path) -> None:
    """The schema becomes llama.cpp's grammar: even asked something else, the model can write
    nothing but a fitting object."""
    llm = LlamaCppLLM("smollm2-135m", models_dir)
    schema = {
        "type": "object",
        "properties": {
            "colour": {"enum": ["crimson", "teal"]},
            "name": {"type": "string", "minLength": 2, "maxLength": 12},
            "count": {"type": "integer"},
        },
        "required": ["colour", "name", "count"],
    }
    messages = [ChatMessage("user", "Tell me a long story about a dog and a cat.")]
    answer = await llm.complete_json(messages, schema, max_tokens=60)
    assert answer["colour"] in ("crimson", "teal") and isinstance(answer["count"], int)
    assert 2 <= len(answer["name"]) <= 12
    await llm.aclose()


async def test_a_damaged_model_is_refused(models_dir: Path, tmp_path: Path) -> None:
    shutil.copytree(models_dir / "smollm2-135m", tmp_path / "smollm2-135m")
    gguf = next((tmp_path / "smollm2-135m").glob("*.gguf"))
    with gguf.open("r+b") as file:
        file.seek(4096)
        file.write(b"tampered")
    llm = LlamaCppLLM("smollm2-135m", tmp_path)
    with pytest.raises(ProviderError) as caught:
        await llm.complete([ChatMessage("user", "Hi")])
    assert caught.value.code == ProviderErrorCode.MODEL_MISSING
    assert "sha256" in caught.value.message
    assert "ailingva models pull smollm2-135m" in caught.value.message


@pytest.mark.parametrize("voice", ["espeak-ru", "festival-ru"])
async def test_russian_phrase_is_spoken(voice: str) -> None:
    speech = await CommandTTS(voice).synthesize(
        "Правильно говорить went, а не goed.", language="ru"
    )
    assert 1.0 < speech.duration < 8.0
    assert rms(speech) > 0.02


async def test_local_providers_built_from_settings_speak_both_languages(models_dir: Path) -> None:
    providers = build_providers(
        ProviderSettings(
            _env_file=None,
            models_dir=models_dir,
            local_stt_model="whisper-tiny-en",
            local_llm_model="smollm2-135m",
        )
    )
    english = await providers.tts.synthesize("Well done!", language="en")
    russian = await providers.tts.synthesize("Молодец!", language="ru")
    assert english.sample_rate == 22_050 and rms(english) > 0.02
    assert rms(russian) > 0.02
    with pytest.raises(ProviderError) as caught:
        await providers.tts.synthesize("Gut gemacht!", language="de")
    assert caught.value.code == ProviderErrorCode.UNSUPPORTED
    for provider in providers.all():
        await provider.aclose()


async def test_concurrent_turns_share_the_engines_safely(models_dir: Path) -> None:
    llm = LlamaCppLLM("smollm2-135m", models_dir)
    tts = PiperTTS("piper-joe", models_dir)
    question = [ChatMessage("user", "Name a colour.")]
    replies = await asyncio.gather(*(llm.complete(question, max_tokens=8) for _ in range(2)))
    short, long = await asyncio.gather(tts.synthesize("Yes."), tts.synthesize(LEARNER_SENTENCE))
    assert all(reply.strip() for reply in replies)
    assert short.duration < long.duration  # each got its own audio, not a mix
    assert rms(short) > 0.02 and rms(long) > 0.02


async def test_local_model_stops_before_a_stop_sequence(models_dir: Path) -> None:
    llm = LlamaCppLLM("smollm2-135m", models_dir)
    messages = [ChatMessage("user", "Count from 1 to 10, separated by commas.")]
    free = await llm.complete(messages, max_tokens=40, temperature=0.0)
    stopped = await llm.complete(messages, max_tokens=40, temperature=0.0, stop=["5", "Five"])
    assert "5" in free  # the model counts past it unless told where to stop
    assert stopped.strip() and "5" not in stopped and free.startswith(stopped)
