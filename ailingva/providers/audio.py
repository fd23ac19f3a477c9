"""Audio conversions shared by the providers (PCM16 <-> float32, WAV, decoding uploads)."""

from __future__ import annotations

import io
import struct
import wave
from collections.abc import AsyncIterator

import av
import numpy as np
import numpy.typing as npt

from ailingva.providers.base import (
    STT_SAMPLE_RATE,
    AudioChunk,
    AudioInput,
    ProviderError,
    ProviderErrorCode,
)

FloatAudio = npt.NDArray[np.float32]

# Leading bytes of the containers that remote STT APIs tell apart by file name.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"RIFF", "wav"),
    (b"OggS", "ogg"),
    (b"\x1a\x45\xdf\xa3", "webm"),
    (b"fLaC", "flac"),
    (b"ID3", "mp3"),
    (b"\xff\xfb", "mp3"),
    (b"\xff\xf3", "mp3"),
)


def container_of(data: bytes) -> str | None:
    return next((name for magic, name in _SIGNATURES if data.startswith(magic)), None)


def float_to_pcm16(samples: FloatAudio) -> bytes:
    return (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2").tobytes()


def pcm16_to_float(pcm: bytes) -> FloatAudio:
    return np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0


def wav_bytes(samples: FloatAudio, sample_rate: int = STT_SAMPLE_RATE) -> bytes:
    return chunk_to_wav(AudioChunk(float_to_pcm16(samples), sample_rate))


def chunk_to_wav(chunk: AudioChunk) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(chunk.sample_rate)
        out.writeframes(chunk.pcm)
    return buffer.getvalue()


def chunk_from_wav(data: bytes) -> AudioChunk:
    """Read a mono 16-bit PCM WAV, including one a program streamed into a pipe.

    Such a program cannot seek back to fill in the data length, so the header says 0 (festival)
    or a huge number (espeak-ng): the data chunk is taken to run to the end of the bytes.
    """
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise ValueError("not a WAV file")
    offset, sample_rate = 12, None
    while offset + 8 <= len(data):
        chunk_id, size = (
            data[offset : offset + 4],
            int.from_bytes(data[offset + 4 : offset + 8], "little"),
        )
        body = offset + 8
        if chunk_id == b"fmt ":
            encoding, channels, sample_rate = struct.unpack_from("<HHI", data, body)
            bits = struct.unpack_from("<H", data, body + 14)[0]
            if (encoding, channels, bits) != (1, 1, 16):
                raise ValueError("expected mono 16-bit PCM WAV")
        elif chunk_id == b"data":
            if sample_rate is None:
                raise ValueError("WAV data before its format")
            pcm = data[body:]
            return AudioChunk(pcm[: len(pcm) - len(pcm) % 2], sample_rate)
        offset = body + size + size % 2
    raise ValueError("WAV without data")


def to_float16k(audio: AudioInput, *, provider: str) -> FloatAudio:
    """16 kHz mono float32 samples from samples or an encoded file (blocks: run in a thread)."""
    if isinstance(audio, np.ndarray):
        samples = audio
    else:
        try:
            samples = _decode(audio)
        except (av.FFmpegError, ValueError) as exc:
            raise ProviderError(
                ProviderErrorCode.BAD_INPUT, f"cannot decode audio: {exc}", provider=provider
            ) from exc
    if samples.ndim != 1 or samples.size == 0:
        raise ProviderError(
            ProviderErrorCode.BAD_INPUT, "expected non-empty mono audio", provider=provider
        )
    return samples.astype(np.float32, copy=False)


def _decode(data: bytes) -> FloatAudio:
    resampler = av.AudioResampler(format="s16", layout="mono", rate=STT_SAMPLE_RATE)
    pcm = bytearray()
    with av.open(io.BytesIO(data), mode="r") as container:
        if not container.streams.audio:
            raise ValueError("no audio stream")
        for frame in container.decode(audio=0):
            for out in resampler.resample(frame):
                pcm += out.to_ndarray().tobytes()
        for out in resampler.resample(None):  # flush the resampler's tail
            pcm += out.to_ndarray().tobytes()
    return pcm16_to_float(bytes(pcm))


async def pcm_chunks(data: AsyncIterator[bytes], sample_rate: int) -> AsyncIterator[AudioChunk]:
    """Audio chunks from a network stream of raw s16le, whose pieces may split a sample."""
    carry = b""
    async for piece in data:
        piece = carry + piece
        whole = len(piece) - len(piece) % 2
        carry = piece[whole:]
        if whole:
            yield AudioChunk(piece[:whole], sample_rate)
