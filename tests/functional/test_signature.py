"""Signature checks use the URL Twilio requested, also behind a proxy."""

from __future__ import annotations

import hashlib

import pytest

from tests.support import PUBLIC_BASE_URL, call_params, sign


def app_without_public_url(make_app, database_url):  # type: ignore[no-untyped-def]
    return make_app(DATABASE_URL=database_url, PUBLIC_BASE_URL="")


def test_request_signed_for_the_https_url_passes_behind_a_tls_proxy(make_app, database_url):
    client = app_without_public_url(make_app, database_url).test_client()
    params = call_params()
    signature = sign("https://support.example.org/voice/fallback", params)

    response = client.post(
        "/voice/fallback",
        data=params,
        base_url="http://support.example.org",
        headers={"X-Twilio-Signature": signature, "X-Forwarded-Proto": "https"},
    )

    assert response.status_code == 200


def test_request_signed_for_https_fails_without_the_forwarded_proto(make_app, database_url):
    client = app_without_public_url(make_app, database_url).test_client()
    params = call_params()
    signature = sign("https://support.example.org/voice/fallback", params)

    response = client.post(
        "/voice/fallback",
        data=params,
        base_url="http://support.example.org",
        headers={"X-Twilio-Signature": signature},
    )

    assert response.status_code == 403


def test_query_string_is_part_of_the_signed_url(twilio_post, client):
    params = call_params()
    signature = sign("https://helpline.example.com/voice/fallback?attempt=2", params)

    accepted = client.post(
        "/voice/fallback?attempt=2", data=params, headers={"X-Twilio-Signature": signature}
    )
    refused = client.post(
        "/voice/fallback?attempt=3", data=params, headers={"X-Twilio-Signature": signature}
    )

    assert (accepted.status_code, refused.status_code) == (200, 403)


def test_signature_with_the_port_twilio_sometimes_adds_passes(client):
    params = call_params()
    signature = sign("https://helpline.example.com:443/voice/fallback", params)

    response = client.post(
        "/voice/fallback", data=params, headers={"X-Twilio-Signature": signature}
    )

    assert response.status_code == 200


def test_signature_check_can_be_turned_off_for_local_development(make_app, database_url):
    app = make_app(
        DATABASE_URL=database_url, HELPLINE_ENV="development", TWILIO_VALIDATE_SIGNATURES=False
    )

    response = app.test_client().post("/voice/fallback", data=call_params())

    assert response.status_code == 200


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "text/plain", "application/xml", "multipart/form-data; boundary=x", ""],
)
@pytest.mark.parametrize("path", ["/voice/incoming", "/voice/step", "/voice/fallback"])
def test_a_body_that_is_not_a_form_is_refused_not_a_crash(client, path, content_type):
    # Twilio posts forms; a JSON body is signed only through a bodySHA256 in the URL.
    signature = sign(PUBLIC_BASE_URL + path, {})

    response = client.post(
        path,
        data=b'{"CallSid": "CA1"}',
        headers={"Content-Type": content_type, "X-Twilio-Signature": signature},
    )

    assert response.status_code == 403


def test_a_json_body_signed_with_its_sha256_in_the_url_passes(client):
    body = '{"CallSid": "CA1"}'
    path = f"/voice/fallback?bodySHA256={hashlib.sha256(body.encode()).hexdigest()}"
    signature = sign(PUBLIC_BASE_URL + path, {})

    accepted = client.post(
        path,
        data=body,
        headers={"Content-Type": "application/json", "X-Twilio-Signature": signature},
    )
    altered = client.post(
        path,
        data=body.replace("CA1", "CA2"),
        headers={"Content-Type": "application/json", "X-Twilio-Signature": signature},
    )

    assert (accepted.status_code, altered.status_code) == (200, 403)
