"""The JSON bodies the Twilio stub answers with, in the shapes Twilio documents for the
Messages and Calls resources of the 2010-04-01 API (``app.twilio.stub``)."""

from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime
from typing import Any

API = "/2010-04-01/Accounts"


def error(code: int, message: str, status: int) -> dict[str, Any]:
    """Twilio's error body."""
    more = f"https://www.twilio.com/docs/errors/{code}"
    return {"code": code, "message": message, "more_info": more, "status": status}


def page(key: str, items: list[dict[str, Any]], path: str, uri: str, size: int) -> dict[str, Any]:
    """One page of a list (``messages`` or ``calls``): the only page."""
    return {
        key: items,
        "end": max(0, len(items) - 1),
        "first_page_uri": path,
        "next_page_uri": None,
        "page": 0,
        "page_size": size,
        "previous_page_uri": None,
        "start": 0,
        "uri": uri,
    }


def message(
    account: str, sid: str, to: str, from_: str, body: str, created: datetime
) -> dict[str, Any]:
    """A Message resource, as Twilio answers a create (status ``queued``)."""
    stamp = format_datetime(created)
    path = f"{API}/{account}/Messages/{sid}"
    return {
        "account_sid": account,
        "api_version": "2010-04-01",
        "body": body,
        "date_created": stamp,
        "date_sent": None,
        "date_updated": stamp,
        "direction": "outbound-api",
        "error_code": None,
        "error_message": None,
        "from": from_,
        "messaging_service_sid": None,
        "num_media": "0",
        "num_segments": "1",
        "price": None,
        "price_unit": "USD",
        "sid": sid,
        "status": "queued",
        "subresource_uris": {"media": f"{path}/Media.json"},
        "to": to,
        "uri": f"{path}.json",
    }


def call(
    account: str,
    sid: str,
    to: str,
    from_: str,
    created: datetime,
    status: str = "queued",
    started: datetime | None = None,
) -> dict[str, Any]:
    """A Call resource: as Twilio answers a create (``queued``, no start time: it has not
    been dialled yet) or lists it later."""
    stamp = format_datetime(created)
    path = f"{API}/{account}/Calls/{sid}"
    return {
        "account_sid": account,
        "annotation": None,
        "answered_by": None,
        "api_version": "2010-04-01",
        "caller_name": None,
        "date_created": stamp,
        "date_updated": stamp,
        "direction": "outbound-api",
        "duration": None,
        "end_time": None,
        "forwarded_from": None,
        "from": from_,
        "from_formatted": from_,
        "group_sid": None,
        "parent_call_sid": None,
        "phone_number_sid": "PN" + "0" * 32,
        "price": None,
        "price_unit": "USD",
        "queue_time": "0",
        "sid": sid,
        "start_time": format_datetime(started) if started else None,
        "status": status,
        "subresource_uris": {
            "events": f"{path}/Events.json",
            "notifications": f"{path}/Notifications.json",
            "payments": f"{path}/Payments.json",
            "recordings": f"{path}/Recordings.json",
            "siprec": f"{path}/Siprec.json",
            "streams": f"{path}/Streams.json",
            "user_defined_message_subscriptions": f"{path}/UserDefinedMessageSubscriptions.json",
            "user_defined_messages": f"{path}/UserDefinedMessages.json",
        },
        "to": to,
        "to_formatted": to,
        "trunk_sid": None,
        "uri": f"{path}.json",
    }
