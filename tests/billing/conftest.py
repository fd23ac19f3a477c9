from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.conftest import login, make_admin


@pytest.fixture
def admin_client(make_client: Callable[[], TestClient], engine: Engine) -> TestClient:
    client = make_client()
    login(client, make_admin(engine))
    return client
