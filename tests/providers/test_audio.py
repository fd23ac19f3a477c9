"""Audio helpers on the edges the engines produce."""

from __future__ import annotations

import struct
from collections.abc import AsyncIterator

import numpy as np
import pytest

from ailingva.providers.audio import chunk_from_wav, pcm_chunks, to_float16k, wav_bytes
from ailingva.providers.base import ProviderError, ProviderErrorCode


def test_a_wav_streamed_into_a_pipe_is_read_to_its_end() -> None:
    samples = np.linspace(-0.5, 0.5, 1000, dtype=np.float32)
    wav = bytearray(wav_bytes(samples, 22_050))
    data_at = wav.index(b"data")
    for claimed in (0, 0x7FFFF000):  # festival says 0 bytes, espeak-ng a huge number
        wav[data_at + 4 : data_at + 8] = struct.pack("<I", claimed)
        chunk = chunk_from_wav(bytes(wav))
        assert chunk.sample_rate == 22_050
        assert len(chunk.pcm) == 2000


async def test_network_pieces_that_split_samples_are_rejoined() -> None:
    pcm = np.arange(-500, 500, dtype="<i2").tobytes()

    async def pieces() -> AsyncIterator[bytes]:
        for start in range(0, len(pcm), 333):
            yield pcm[start : start + 333]

    chunks = [chunk async for chunk in pcm_chunks(pieces(), 24_000)]
    assert all(len(c.pcm) % 2 == 0 for c in chunks)
    assert b"".join(c.pcm for c in chunks) == pcm


def test_an_undecodable_upload_is_bad_input() -> None:
    with pytest.raises(ProviderError) as caught:
        to_float16k(b"this is not audio at all", provider="test")
    assert caught.value.code == ProviderErrorCode.BAD_INPUT


def test_an_upload_is_decoded_to_16_khz() -> None:
    samples = to_float16k(wav_bytes(np.zeros(44_100, dtype=np.float32), 44_100), provider="t")
    assert samples.dtype == np.float32
    assert abs(samples.size - 16_000) < 100
