from collections.abc import Iterator

import pytest

from ailingva.brain import service
from tests.brain.helpers import TableChecker


@pytest.fixture
def table_checker(monkeypatch: pytest.MonkeyPatch) -> Iterator[TableChecker]:
    """Jobs use the table checker instead of the grammar engine."""
    checker = TableChecker()
    monkeypatch.setattr(service, "default_checker", lambda: checker)
    yield checker
