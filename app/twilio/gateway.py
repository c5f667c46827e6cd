"""The REST side of Twilio: the only module that builds a ``twilio.rest.Client``."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, current_app
from twilio.base.exceptions import TwilioException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from app.log import mask_phone

log = logging.getLogger(__name__)


class TwilioNotConfigured(TwilioException):
    """The account SID or auth token is missing, so nothing can be sent (a
    ``TwilioException``: whoever handles Twilio failing handles this too)."""


def make_client(account_sid: str, auth_token: str, api_base: str = "") -> Client:
    """A REST client; ``api_base`` points the API domain at a local stub instead of Twilio."""
    if not account_sid or not auth_token:
        raise TwilioNotConfigured("TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN must be set")
    client = Client(account_sid, auth_token, http_client=TwilioHttpClient(timeout=10))
    if api_base:
        # Calls, Messages and Queues all live on the 2010-04-01 "api" domain.
        client.api.base_url = api_base.rstrip("/")
    return client


class TwilioGateway:
    """Sends messages and places calls through Twilio's REST API for the current app."""

    def init_app(self, app: Flask) -> None:
        app.extensions["twilio.gateway"] = self

    @property
    def client(self) -> Client:
        """The app's REST client, made on first use."""
        app = current_app
        client = app.extensions.get("twilio.client")
        if client is None:
            client = make_client(
                app.config["TWILIO_ACCOUNT_SID"],
                app.config["TWILIO_AUTH_TOKEN"],
                app.config["TWILIO_API_BASE"],
            )
            app.extensions["twilio.client"] = client
        return client

    def send_sms(self, to: str, body: str, from_: str, status_callback: str = "") -> str:
        """Send a text; returns Twilio's MessageSid."""
        kwargs: dict[str, Any] = {"to": to, "from_": from_, "body": body}
        if status_callback:
            kwargs["status_callback"] = status_callback
        message = self.client.messages.create(**kwargs)
        log.info("sent SMS %s to %s", message.sid, mask_phone(to))
        return str(message.sid)

    def place_call(self, to: str, from_: str, url: str, status_callback: str = "") -> str:
        """Start an outbound call that fetches its TwiML from ``url``; returns the CallSid.

        ``status_callback`` hears how the call ended, answered or not: an unanswered call
        never fetches ``url``, so that is the only way to know.
        """
        kwargs: dict[str, Any] = {"to": to, "from_": from_, "url": url}
        if status_callback:
            # The "completed" event is sent for every final status: completed, busy,
            # no-answer, failed and canceled.
            kwargs["status_callback"] = status_callback
            kwargs["status_callback_event"] = ["completed"]
            kwargs["status_callback_method"] = "POST"
        call = self.client.calls.create(**kwargs)
        log.info("placed call %s to %s", call.sid, mask_phone(to))
        return str(call.sid)

    def place_notice_call(self, to: str, from_: str, url: str, status_callback: str) -> str:
        """Place a broadcast call: Twilio fetches what it says from ``url`` once someone or
        something answers, after answering-machine detection (``DetectMessageEnd``: a
        machine is told after its beep), and reports each step (initiated, ringing,
        answered, completed) to ``status_callback``; returns the CallSid."""
        call = self.client.calls.create(
            to=to,
            from_=from_,
            url=url,
            method="POST",
            status_callback=status_callback,
            status_callback_method="POST",
            status_callback_event=["initiated", "ringing", "answered", "completed"],
            machine_detection="DetectMessageEnd",
        )
        log.info("placed broadcast call %s to %s", call.sid, mask_phone(to))
        return str(call.sid)

    def redirect_queue_member(self, queue_sid: str, call_sid: str, url: str) -> None:
        """Take a waiting caller out of Twilio's queue to the TwiML at ``url``."""
        self.client.queues(queue_sid).members(call_sid).update(url=url, method="POST")
        log.info("redirected queue member %s of %s", call_sid, queue_sid)

    def cancel_call(self, call_sid: str) -> str:
        """Stop a call that is queued or ringing; one already answered goes on. Its status
        after the request (``canceled``, or ``in-progress`` when it was answered)."""
        call = self.client.calls(call_sid).update(status="canceled")
        log.info("asked to cancel call %s: %s", call_sid, call.status)
        return str(call.status)

    def redirect_call(self, call_sid: str, url: str) -> None:
        """Send a live call to the TwiML at ``url`` (when its queue's SID is unknown)."""
        self.client.calls(call_sid).update(url=url, method="POST")
        log.info("redirected call %s", call_sid)


twilio_gateway = TwilioGateway()
