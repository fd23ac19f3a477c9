"""An admin signed in on the test client."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from ailingva.auth.models import UserAccount
from ailingva.auth.repository import get_user_by_email
from tests.conftest import login, make_admin


@pytest.fixture
def admin_email(engine: Engine) -> str:
    return make_admin(engine)


@pytest.fixture
def admin(client: TestClient, admin_email: str) -> TestClient:
    login(client, admin_email)
    return client


def account(engine: Engine, email: str) -> UserAccount:
    with Session(engine) as db:
        user = get_user_by_email(db, email)
        assert user is not None
        return user
