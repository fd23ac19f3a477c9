"""Signing up: a new student gets an account, a profile, a learning state and a wallet; an
admin made with `create-admin` gets the same, without the trial."""

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from ailingva.auth.models import Role, UserAccount
from ailingva.billing.models import Wallet, WalletTransaction
from ailingva.learning.models import LearningState
from ailingva.signup.service import ensure_admin
from ailingva.users.models import UserProfile
from tests.conftest import STRONG_PASSWORD, register, unique_email


def test_register_signs_in_and_me_returns_the_student(client: TestClient, engine: Engine) -> None:
    email = unique_email()
    response = client.post(
        "/api/auth/register",
        json={"email": f"  {email.upper()} ", "password": STRONG_PASSWORD, "name": " Аня "},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["email"] == email and body["name"] == "Аня" and body["role"] == "student"

    me = client.get("/api/auth/me")
    assert me.status_code == 200 and me.json()["id"] == body["id"]

    with Session(engine) as db:
        user = db.exec(select(UserAccount).where(UserAccount.email == email)).one()
        assert user.password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
        assert STRONG_PASSWORD not in user.password_hash
        assert db.get(UserProfile, user.id) is not None
        assert db.get(LearningState, user.id) is not None


def test_a_new_admin_has_a_profile_and_an_empty_wallet_but_no_trial(engine: Engine) -> None:
    email = unique_email("admin")
    with Session(engine) as db:
        admin = ensure_admin(db, email=email, password=STRONG_PASSWORD)
        db.commit()
        assert admin.role == Role.ADMIN
        profile = db.get(UserProfile, admin.id)
        assert profile is not None and profile.display_name == email.split("@")[0]
        assert db.get(LearningState, admin.id) is not None
        wallet = db.get(Wallet, admin.id)
        assert wallet is not None and wallet.balance_kopecks == 0
        entries = db.exec(select(WalletTransaction).where(WalletTransaction.user_id == admin.id))
        assert entries.all() == []


def test_ensure_admin_promotes_a_student_and_keeps_their_wallet(
    client: TestClient, engine: Engine
) -> None:
    student = register(client)
    balance = client.get("/api/billing/balance").json()["balance_kopecks"]
    new_password = STRONG_PASSWORD + "!"
    with Session(engine) as db:
        ensure_admin(db, email=student.email.upper(), password=new_password)
        db.commit()
    login = client.post("/api/auth/login", json={"email": student.email, "password": new_password})
    assert login.status_code == 200 and login.json()["role"] == "admin"
    assert login.json()["name"] == student.name
    assert client.get("/api/billing/balance").json()["balance_kopecks"] == balance
