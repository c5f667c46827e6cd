"""The console's new endpoints refuse the logged out (401), changes without the CSRF token,
bodies they cannot use (400), and never fail on hostile input."""

from __future__ import annotations

import pytest

from tests.functional.contact_calls import billing_call_answered, my_contact

ENDPOINTS = [
    ("GET", "/api/agent/contact"),
    ("PUT", "/api/agent/contact/notes"),
    ("POST", "/api/agent/transfer"),
    ("GET", "/api/agent/tasks"),
    ("POST", "/api/agent/tasks/1/claim"),
    ("POST", "/api/agent/tasks/1/take"),
    ("POST", "/api/agent/tasks/1/close"),
    ("GET", "/api/customers?q=grace"),
    ("GET", "/api/customers/1"),
]
CHANGES = [(method, path) for method, path in ENDPOINTS if method != "GET"]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_nobody_logged_in_gets_a_401_in_json(app, method, path):
    client = app.test_client()
    token = client.get("/api/session").get_json()["csrf_token"]

    response = client.open(path, method=method, json={}, headers={"X-CSRFToken": token})

    assert response.status_code == 401
    assert response.get_json()["error"]


@pytest.mark.parametrize(("method", "path"), CHANGES)
def test_a_change_without_the_csrf_token_is_refused(desk, client, method, path):
    response = client.open(path, method=method, json={"contact_id": "x", "note": "n"})

    assert response.status_code == 400
    assert "CSRF" in response.get_json()["error"]


@pytest.mark.parametrize(
    "notes",
    ["<script>alert(1)</script>", "x" * 10_000, "\U0001f600" * 100, "line\r\nbreak"],
)
def test_hostile_notes_are_kept_as_given(desk, twilio_post, twilio_api, notes):
    caller = billing_call_answered(desk, twilio_post, twilio_api)

    saved = desk.call("PUT", "/api/agent/contact/notes", contact_id=caller["CallSid"], notes=notes)

    assert saved.status_code == 200
    assert my_contact(desk)["contact"]["notes_draft"] == notes


@pytest.mark.parametrize(
    "raw",
    [
        b'{"contact_id": "\\ud800", "notes": "x"}',
        b'{"contact_id": "CA1", "notes": 5}',
        b'{"contact_id": "' + b"C" * 100_000 + b'", "notes": "x"}',
        b"[1, 2]",
    ],
)
def test_notes_bodies_that_cannot_be_used_are_a_400(desk, client, raw):
    token = client.get("/api/session").get_json()["csrf_token"]

    response = client.put(
        "/api/agent/contact/notes",
        data=raw,
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )

    assert response.status_code == 400


@pytest.mark.parametrize(
    "body",
    [
        {"contact_id": "\u202e" * 5000, "queue": "billing"},
        {"contact_id": 5, "agent_id": {"a": 1}},
        {"contact_id": "CA1", "agent_id": True},
        {"contact_id": "CA1", "queue": "billing", "agent_id": 1},
    ],
)
def test_hostile_transfer_bodies_are_refused_without_a_500(desk, body):
    response = desk.call("POST", "/api/agent/transfer", **body)

    assert response.status_code in (400, 403)
