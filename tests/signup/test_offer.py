"""What the registration page tells before anyone registers: the trial minutes and the bonuses
of a friend's invitation, both from the billing rules an admin sets."""

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from ailingva.auth.models import UserAccount
from ailingva.billing.rules import BillingRules, get_rules, put_rules
from tests.conftest import make_admin, register


def _offer(client: TestClient, **query: str) -> dict[str, object]:
    response = client.get("/api/auth/register/offer", params=query)
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def test_the_trial_minutes_are_the_rules_of_today(client: TestClient, engine: Engine) -> None:
    assert _offer(client) == {"trial_minutes": 60, "invitation": None}
    admin_email = make_admin(engine)
    with Session(engine) as db:
        admin = db.exec(select(UserAccount).where(UserAccount.email == admin_email)).one()
        assert admin.id is not None
        put_rules(db, BillingRules(trial_minutes=15), updated_by_id=admin.id)
        db.commit()
    assert _offer(client)["trial_minutes"] == 15


def test_a_friends_code_brings_the_bonuses_of_the_invitation(
    client: TestClient, make_client, engine: Engine
) -> None:
    register(client)
    code = client.get("/api/billing/referral").json()["code"]
    with Session(engine) as db:
        rules = get_rules(db)
    anonymous = make_client()
    offer = _offer(anonymous, ref=f" {code.lower()} ")
    assert offer["invitation"] == {
        "code": code,
        "known": True,
        "bonus_kopecks": rules.referral_bonus_referred_kopecks,
        "inviter_bonus_kopecks": rules.referral_bonus_referrer_kopecks,
    }


def test_an_unknown_code_is_said_to_be_unknown(client: TestClient) -> None:
    invitation = _offer(client, ref="NOPE2345")["invitation"]
    assert isinstance(invitation, dict)
    assert invitation["code"] == "NOPE2345" and invitation["known"] is False


def test_a_code_longer_than_any_is_bad_input(client: TestClient) -> None:
    response = client.get("/api/auth/register/offer", params={"ref": "X" * 33})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"
