"""Checks that a webhook really comes from Twilio, before anything else runs; then cleans
its values (``params``) for the views."""

from __future__ import annotations

import hmac
import logging
from typing import Any, cast

from flask import Flask, Request, abort, current_app, request
from twilio.request_validator import (
    SIGNATURE_HEADER,
    SIGNATURE_SETTINGS_HEADER,
    RequestValidator,
    get_signature_algorithm,
)

log = logging.getLogger(__name__)


def public_url(req: Request, base_url: str = "") -> str:
    """The URL Twilio requested, as Twilio saw it.

    Behind a proxy the app sees its own host and scheme; ``PUBLIC_BASE_URL`` (or at
    least ``X-Forwarded-Proto``) restores what Twilio signed.
    """
    query = req.query_string.decode("latin-1")
    path = req.path + (f"?{query}" if query else "")
    if base_url:
        return base_url + path
    scheme = req.headers.get("X-Forwarded-Proto", req.scheme).split(",")[0].strip()
    return f"{scheme}://{req.host}{path}"


def _validator(app: Flask) -> RequestValidator:
    validator = app.extensions.get("twilio.validator")
    if validator is None:
        validator = RequestValidator(app.config["TWILIO_AUTH_TOKEN"])
        app.extensions["twilio.validator"] = validator
    return cast(RequestValidator, validator)


def is_signed_by_twilio(req: Request, app: Flask) -> bool:
    """Whether ``req`` carries a valid ``X-Twilio-Signature`` for this account."""
    signature = req.headers.get(SIGNATURE_HEADER, "")
    if not signature or not app.config["TWILIO_AUTH_TOKEN"]:
        return False
    url = public_url(req, app.config["PUBLIC_BASE_URL"])
    algorithm = get_signature_algorithm(req.headers.get(SIGNATURE_SETTINGS_HEADER))
    validator = _validator(app)
    if req.mimetype != "application/x-www-form-urlencoded" and req.get_data():
        # Twilio signs other bodies through a bodySHA256 in the URL; without one, nothing
        # vouches for the body, so the request is refused (never a 500).
        if "bodySHA256" not in req.args:
            return False
        return validator.validate(url, req.get_data(as_text=True), signature, algorithm)
    fields = _Fields(req.form)
    if _matches(validator, url, fields, signature, algorithm):
        return True
    # The library's full check: the URL with and without the port.
    return validator.validate(url, fields, signature, algorithm)


def _matches(
    validator: RequestValidator, url: str, params: Any, signature: str, algorithm: str
) -> bool:
    """The common case first: the URL exactly as we rebuilt it, one signature computed."""
    try:
        expected = validator.compute_signature(url, params, algorithm)
    except ValueError:  # an algorithm the library does not know
        return False
    return hmac.compare_digest(expected.encode(), signature.encode())


class _Fields(dict[str, list[str]]):
    """Form fields with the ``getall`` the validator asks for first.

    Werkzeug's MultiDict has only ``getlist``; without this the validator raises and catches
    an AttributeError for every field, twice per request.
    """

    def __init__(self, form: Any) -> None:
        super().__init__(form.lists())

    def getall(self, name: str) -> list[str]:
        return self[name]


def check_twilio_signature() -> None:
    """``before_request`` hook for webhook blueprints: 403 unless Twilio signed the request."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not app.config["TWILIO_VALIDATE_SIGNATURES"]:
        return
    if is_signed_by_twilio(request, app):
        return
    log.warning(
        "rejected webhook %s %s: missing or invalid %s (from %s)",
        request.method,
        request.path,
        SIGNATURE_HEADER,
        request.remote_addr,
    )
    abort(403)


def accept_webhook() -> None:
    """``before_request`` hook for webhook blueprints: 403 unless Twilio signed the request
    (on the raw form, as Twilio signed it). Views read its values through ``params``, which
    cleans them on first use: a view that reads none (``/voice/fallback``) pays nothing."""
    check_twilio_signature()
