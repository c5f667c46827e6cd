"""The REST gateway talks to the API base it is given, with Twilio's request shapes."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest
import responses

from app.twilio.gateway import TwilioNotConfigured, twilio_gateway
from tests.support import ACCOUNT_SID

STUB = "http://127.0.0.1:8099"


def message_resource(sid: str, to: str, body: str) -> dict[str, object]:
    """A Message resource as Twilio's API returns it on create (trimmed to common fields)."""
    return {
        "account_sid": ACCOUNT_SID,
        "api_version": "2010-04-01",
        "body": body,
        "date_created": "Thu, 26 Nov 2026 10:00:00 +0000",
        "date_sent": None,
        "date_updated": "Thu, 26 Nov 2026 10:00:00 +0000",
        "direction": "outbound-api",
        "error_code": None,
        "error_message": None,
        "from": "+15558675310",
        "messaging_service_sid": None,
        "num_media": "0",
        "num_segments": "1",
        "price": None,
        "price_unit": "USD",
        "sid": sid,
        "status": "queued",
        "subresource_uris": {
            "media": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{sid}/Media.json"
        },
        "to": to,
        "uri": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{sid}.json",
    }


def test_sms_goes_to_the_configured_api_base(make_app, database_url, twilio_api):
    app = make_app(DATABASE_URL=database_url, TWILIO_API_BASE=STUB)
    sid = "SM" + "b2" * 16
    twilio_api.add(
        responses.POST,
        f"{STUB}/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json",
        json=message_resource(sid, "+14155550123", "Power is back on."),
        status=201,
    )

    with app.app_context():
        result = twilio_gateway.send_sms("+14155550123", "Power is back on.", "+15558675310")

    assert result == sid
    sent = parse_qs(twilio_api.calls[0].request.body)
    assert sent == {"To": ["+14155550123"], "From": ["+15558675310"], "Body": ["Power is back on."]}


def test_sending_without_credentials_is_a_clear_error(make_app, database_url):
    app = make_app(DATABASE_URL=database_url, TWILIO_ACCOUNT_SID="")

    with app.app_context(), pytest.raises(TwilioNotConfigured, match="TWILIO_ACCOUNT_SID"):
        twilio_gateway.send_sms("+14155550123", "hi", "+15558675310")
