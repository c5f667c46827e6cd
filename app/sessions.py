"""Browser sessions for the web pages, and none for Twilio's webhooks.

Twilio sends no cookies and webhooks never read a session, so they skip the work of
opening and signing one.
"""

from __future__ import annotations

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

WEBHOOK_PREFIXES = ("/voice/", "/sms/")


class WebhookAwareSessionInterface(SecureCookieSessionInterface):
    """The usual signed-cookie session, except on webhook URLs."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if request.path.startswith(WEBHOOK_PREFIXES):
            return self.null_session_class()
        return super().open_session(app, request)
