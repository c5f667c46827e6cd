"""The agent API answers a body it cannot read with a 400 and a JSON error, never a 500."""

from __future__ import annotations

import pytest

BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

UNREADABLE = {
    "nested deeper than the parser's recursion": b"[" * 100_000 + b"]" * 100_000,
    "an object nested deeper than the parser's recursion": b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    "a lone surrogate in a value": b'{"contact_id":"\\ud800"}',
    "a lone surrogate in a key": b'{"\\udfff":"x"}',
    "a NUL character in a value": b'{"contact_id":"CA\\u0000x","notes":"n"}',
    "a NUL character deep in a key": b'{"a":[{"b\\u0000":1}]}',
    "a surrogate written as UTF-8 bytes": b'{"contact_id":"\xed\xa0\x80"}',
    "not JSON": b'{"contact_id":',
    "NaN, which is not JSON": b'{"contact_id": NaN}',
    "not an object": b'["contact_id"]',
}


def endpoints_taking_a_body(app) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """Every agent API endpoint with a method that sends a body, its URL built."""
    urls = app.url_map.bind("localhost")
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("agent_api."):
            url = urls.build(rule.endpoint, {name: 1 for name in rule.arguments})
            found += [(method, url) for method in sorted(rule.methods & BODY_METHODS)]
    # Log-out last: were its body ignored, it would end the session the others need.
    return sorted(found, key=lambda endpoint: endpoint == ("DELETE", "/api/session"))


@pytest.mark.parametrize("body", UNREADABLE.values(), ids=UNREADABLE.keys())
def test_every_endpoint_that_takes_a_body_answers_400_to_one_it_cannot_read(
    desk, app, client, body
):
    endpoints = endpoints_taking_a_body(app)
    token = client.get("/api/session").get_json()["csrf_token"]

    answers = {
        (method, url): client.open(
            url,
            method=method,
            data=body,
            content_type="application/json",
            headers={"X-CSRFToken": token},
        )
        for method, url in endpoints
    }

    assert {
        endpoint: (response.status_code, "error" in (response.get_json() or {}))
        for endpoint, response in answers.items()
    } == {endpoint: (400, True) for endpoint in endpoints}
    assert ("POST", "/api/session") in endpoints and ("POST", "/api/agent/finish") in endpoints


def test_a_request_without_a_body_still_works(desk, client):
    token = client.get("/api/session").get_json()["csrf_token"]

    response = client.delete("/api/session", headers={"X-CSRFToken": token})

    assert response.status_code == 200
