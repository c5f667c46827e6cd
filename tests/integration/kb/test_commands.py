"""``helpline kb import`` and ``helpline kb ask`` on the real database."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from app.extensions import db
from app.models import Answer, Question

CSV = (
    "question,answer,tags\n"
    "Where is my new card?,Cards arrive within 7 working days.,cards;delivery\n"
    '"How do I change my PIN?","Settings, then PIN."\n'
    ",an answer without a question\n"
    "a row with one field\n"
    "¿Cómo cambio mi PIN?,En Ajustes.,tarjetas\n"
)


def counts():
    return (
        db.session.scalar(select(func.count()).select_from(Question)),
        db.session.scalar(select(func.count()).select_from(Answer)),
    )


def test_importing_the_same_file_twice_changes_nothing(runner, tmp_path):
    path = tmp_path / "qa.csv"
    path.write_text(CSV, encoding="utf-8")

    first = runner.invoke(args=["kb", "import", str(path)])
    after_first = counts()
    second = runner.invoke(args=["kb", "import", str(path), "--json"])

    assert first.exit_code == 0, first.output
    assert "3 created" in first.stdout
    assert after_first == (3, 3)
    assert json.loads(second.stdout)["unchanged"] == 3
    assert counts() == after_first


def test_bad_rows_are_reported_by_line_and_the_rest_imported(runner, tmp_path):
    path = tmp_path / "qa.jsonl"
    path.write_text(
        '{"question": "Card lost?", "answer": "Freeze it in the app.", "tags": ["cards"]}\n'
        "not json\n"
        '{"question": "No answer"}\n'
        '["a", "list"]\n',
        encoding="utf-8",
    )

    result = runner.invoke(args=["kb", "import", str(path)])

    assert result.exit_code == 0
    assert f"{path}:2: not JSON" in result.stderr
    assert f"{path}:3: the answer is missing" in result.stderr
    assert f"{path}:4: not a JSON object" in result.stderr
    assert counts() == (1, 1)


def test_a_changed_answer_updates_the_imported_question(runner, tmp_path):
    path = tmp_path / "qa.csv"
    path.write_text("Where is my card?,Seven days.\n", encoding="utf-8")
    runner.invoke(args=["kb", "import", str(path)])
    path.write_text("Where is my card?,Ten days.\n", encoding="utf-8")

    result = runner.invoke(args=["kb", "import", str(path), "--json"])

    assert json.loads(result.stdout)["updated"] == 1
    assert db.session.scalars(select(Answer.body)).all() == ["Ten days."]


def test_ask_prints_ranked_answers_with_scores_ids_and_reasons_as_json(runner, tmp_path):
    path = tmp_path / "qa.csv"
    path.write_text(CSV, encoding="utf-8")
    runner.invoke(args=["kb", "import", str(path)])

    result = runner.invoke(args=["kb", "ask", "my new card has not arrived", "--json", "-k", "2"])

    assert result.exit_code == 0, (result.output, result.exception)
    body = json.loads(result.stdout)
    best = body["results"][0]
    assert result.exit_code == 0
    assert best["title"] == "Where is my new card?"
    assert best["answer"] == "Cards arrive within 7 working days."
    assert isinstance(best["question_id"], int) and isinstance(best["answer_id"], int)
    assert 0 < best["confidence"] <= 1 and best["score"] > 0
    assert {"matched_terms", "accepted_answer", "official_answer"} <= {
        reason["kind"] for reason in best["reasons"]
    }
    assert len(body["results"]) <= 2
    assert body["deflect"] == (best["confidence"] >= body["threshold"])


def test_ask_with_only_operators_answers_nothing_without_failing(runner):
    result = runner.invoke(args=["kb", "ask", '"NEAR( * -:', "--json"])

    assert result.exit_code == 0
    assert json.loads(result.stdout)["results"] == []
