"""Signature checks use the URL Twilio requested, also behind a proxy."""

from __future__ import annotations

from tests.support import call_params, sign


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
