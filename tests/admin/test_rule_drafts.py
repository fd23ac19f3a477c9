"""A rule drafted from an admin's words, typed or spoken: the model fills a JSON schema, the
draft is checked and returned to review (never saved); a model that answers junk, or a provider
that fails, is a clear code, never a 500. The real local model, constrained by the schema's
grammar, is tested at the end (`models`)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from ailingva.admin import rule_drafts
from ailingva.brain.models import TutorRule
from ailingva.core.db import utcnow
from ailingva.providers.audio import wav_bytes
from ailingva.providers.base import ProviderError, ProviderErrorCode
from ailingva.providers.fake import FakeLLM, FakeSTT
from ailingva.providers.local.llama import LlamaCppLLM
from ailingva.providers.registry import ProviderRegistry
from tests.conftest import register

SAID = "Когда ученик путает Present Perfect и Past Simple, спроси про время действия."
DOWN = ProviderError(ProviderErrorCode.UNAVAILABLE, "down", provider="fake")


def _use(app: FastAPI, **engines: Any) -> None:
    registry: ProviderRegistry = app.state.providers
    registry.use(replace(registry.current, **engines))


def _draft(admin: TestClient, text: str = SAID) -> Any:
    return admin.post("/api/admin/rules/draft", json={"text": text})


def _wav() -> bytes:
    t = np.arange(16_000) / 16_000
    return wav_bytes((0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32))


def _spoken(admin: TestClient, data: bytes, name: str = "rule.wav") -> Any:
    return admin.post("/api/admin/rules/draft/audio", files={"audio": (name, data, "audio/wav")})


def test_a_typed_instruction_gives_a_draft_to_review_and_nothing_is_saved(
    admin: TestClient, engine: Engine
) -> None:
    response = _draft(admin)
    assert response.status_code == 200, response.text
    draft = response.json()
    # The fake model answers with the schema's examples.
    assert (draft["scope"], draft["trigger"], draft["priority"]) == ("all", "tense", 50)
    assert draft["instruction"].startswith("When the student mixes up Present Perfect")
    assert draft["heard"] == SAID and draft["notes"] == []
    assert draft["expires_in_days"] is None and draft["expires_at"] is None
    with Session(engine) as db:
        assert db.exec(select(TutorRule)).all() == []
    # The admin saves it as it is.
    body = {k: draft[k] for k in ("scope", "trigger", "instruction", "priority")}
    assert admin.post("/api/admin/rules", json=body).status_code == 201


def test_a_named_student_is_found_and_numbers_are_kept_in_range(
    admin: TestClient, app: FastAPI, make_client: Any
) -> None:
    student = register(make_client(), name="Аня")
    answer = {
        "scope": "student",
        "level": "B1",
        "student": "аня",
        "trigger": "articles",
        "instruction": "Recast the sentence with the right article.",
        "priority": 900,
        "expires_in_days": 7,
    }
    _use(app, llm=FakeLLM(json_text=json.dumps(answer)))
    draft = _draft(admin, "Для Ани на неделю: следи за артиклями.").json()
    assert (draft["scope"], draft["student_id"], draft["level"]) == ("student", student.id, None)
    assert draft["student_label"] == f"Аня ({student.email})"
    assert draft["priority"] == 100 and draft["expires_in_days"] == 7
    assert draft["expires_at"] > utcnow().isoformat()

    nobody = {**answer, "student": "Вениамин", "instruction": "Исправляй артикли мягко."}
    _use(app, llm=FakeLLM(json_text=json.dumps(nobody)))
    draft = _draft(admin, "Для Вениамина: исправляй артикли.").json()
    assert draft["student_id"] is None
    assert draft["notes"] == [
        "Ученик «Вениамин»: выберите его в форме.",
        "Инструкция не на английском: переведите её перед сохранением.",
    ]


@pytest.mark.parametrize(
    "junk",
    [
        "not json at all",
        '{"scope": "everyone"}',
        json.dumps({"scope": "all", "level": None, "student": None, "trigger": "grammar"}),
        "[1, 2, 3]",
    ],
)
def test_a_model_that_answers_junk_is_a_clear_error(
    admin: TestClient, app: FastAPI, junk: str
) -> None:
    _use(app, llm=FakeLLM(json_text=junk))
    response = _draft(admin)
    assert response.status_code == 502
    assert response.json()["error"]["code"] == "rule_draft_invalid"


def test_failing_providers_are_a_clear_error(admin: TestClient, app: FastAPI) -> None:
    _use(app, llm=FakeLLM(error=DOWN))
    for response in (_draft(admin), _spoken(admin, _wav())):
        assert response.status_code == 503
        assert response.json()["error"]["code"] == "rule_draft_unavailable"
        assert "Языковая модель" in response.json()["error"]["message"]
    _use(app, stt=FakeSTT(error=DOWN))
    response = _spoken(admin, _wav())
    assert (response.status_code, response.json()["error"]["code"]) == (
        503,
        "rule_draft_unavailable",
    )
    assert "Распознавание речи" in response.json()["error"]["message"]


def test_a_spoken_instruction_is_heard_then_drafted(admin: TestClient, app: FastAPI) -> None:
    _use(app, stt=FakeSTT(SAID))
    response = _spoken(admin, _wav())
    assert response.status_code == 200, response.text
    assert response.json()["heard"] == SAID and response.json()["trigger"] == "tense"

    _use(app, stt=FakeSTT(""))
    silent = _spoken(admin, _wav())
    assert (silent.status_code, silent.json()["error"]["code"]) == (422, "no_speech")
    for data, code in ((b"", "audio_empty"), (b"plain text", "audio_unsupported")):
        assert _spoken(admin, data).json()["error"]["code"] == code


def test_students_may_not_draft(client: TestClient) -> None:
    assert _draft(client).status_code == 401
    register(client)
    assert _draft(client).status_code == 403


@pytest.mark.models
async def test_the_local_model_drafts_within_the_schema(models_dir: Path) -> None:
    """SmolLM2 is too small to understand the instruction, but the schema's grammar holds it
    to a draft that parses and fits: enums, lengths and all."""
    llm = LlamaCppLLM("smollm2-135m", models_dir, n_ctx=2048)
    output = await rule_drafts.read_draft(llm, SAID)
    assert 10 <= len(output.instruction) <= 300
    assert output.scope in ("all", "level", "student")
    await llm.aclose()
