"""Security headers on every page and JSON answer (webhooks answer Twilio, not a browser).

The Content-Security-Policy allows scripts and styles from this site's own files only: no
inline script, no ``eval``, no CDN. A customer's name or a caller's words that slipped past
escaping could not run as a script. Recordings play from Twilio's API.
"""

from __future__ import annotations

from flask import Flask, Response, request

from app.sessions import WEBHOOK_PREFIXES

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "media-src 'self' https://api.twilio.com",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def init_headers(app: Flask) -> None:
    """Add the security headers to every answer but the webhooks'."""
    app.after_request(_add_headers)


def _add_headers(response: Response) -> Response:
    if not request.path.startswith(WEBHOOK_PREFIXES):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if not request.path.startswith("/static/"):
            # Pages and JSON carry a customer's data: never kept by a shared cache.
            response.headers.setdefault("Cache-Control", "no-store")
    return response
