"""``helpline call``: a phone in the terminal that walks the live IVR."""

from __future__ import annotations

import sys
import urllib.error
import urllib.request
from urllib.parse import urlencode, urljoin, urlsplit

import click
from flask import current_app
from flask.cli import with_appcontext
from twilio.request_validator import RequestValidator

from app.twilio.simulator import Caller, InteractiveCaller, Phone, ScriptedCaller, parse_script


class InProcessTransport:
    """Posts to the app in this process, signed as Twilio would sign them."""

    def __init__(self) -> None:
        self.app = current_app._get_current_object()  # type: ignore[attr-defined]
        self.client = self.app.test_client()
        self.base = self.app.config["PUBLIC_BASE_URL"] or "http://localhost"
        self.validator = RequestValidator(self.app.config["TWILIO_AUTH_TOKEN"])

    def post(self, url: str, params: dict[str, str]) -> str:
        full = urljoin(self.base + "/", url.lstrip("/")) if url.startswith("/") else url
        path = full.removeprefix(self.base)
        signature = self.validator.compute_signature(full, params)
        response = self.client.post(
            path, data=params, base_url=self.base, headers={"X-Twilio-Signature": signature}
        )
        if response.status_code != 200:
            raise click.ClickException(f"{path} answered HTTP {response.status_code}")
        return response.get_data(as_text=True)


class HttpTransport:
    """Posts to a running server at ``base``, signed with this app's auth token.

    A server behind a proxy checks signatures against its ``PUBLIC_BASE_URL``: given as
    ``public_base``, requests are signed for the URL Twilio would use, as Twilio signs them.
    """

    def __init__(self, base: str, auth_token: str, public_base: str = "") -> None:
        try:
            parts = urlsplit(base)
            usable = parts.scheme in {"http", "https"} and bool(parts.hostname)
        except ValueError:  # "http://[::1" and the like
            usable = False
        if not usable:
            raise click.ClickException(f"--url must be like http://127.0.0.1:5000, not {base!r}")
        self.base = base.rstrip("/")
        self.public_base = public_base.rstrip("/") or self.base
        self.validator = RequestValidator(auth_token)

    def post(self, url: str, params: dict[str, str]) -> str:
        full = urljoin(self.base + "/", url.lstrip("/")) if url.startswith("/") else url
        signed = self.public_base + full.removeprefix(self.base)
        request = urllib.request.Request(
            full,
            data=urlencode(params).encode(),
            headers={"X-Twilio-Signature": self.validator.compute_signature(signed, params)},
        )
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                return str(response.read().decode())
        except urllib.error.HTTPError as exc:
            exc.close()  # the error holds the server's answer, and its socket
            hint = " (is TWILIO_AUTH_TOKEN the server's?)" if exc.code == 403 else ""
            raise click.ClickException(f"{full} answered HTTP {exc.code}{hint}") from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise click.ClickException(f"cannot reach {full}: {reason}") from exc


@click.command("call")
@click.option(
    "--from",
    "from_",
    default="+14155559876",
    show_default=True,
    help="Caller ID (a customer's to call as them).",
)
@click.option("--to", default="+15558675310", show_default=True, help="The number called.")
@click.option("--press", default="", help="Keys for each menu in turn, e.g. 1,,0 ('' = silence).")
@click.option("--say", "sayings", multiple=True, help="Words for a menu (after --press items).")
@click.option("--url", default="", help="Call a running server at this base URL instead.")
@click.option("--wait-loops", default=1, show_default=True, help="Hold-music rounds to hear.")
@with_appcontext
def call_command(
    from_: str, to: str, press: str, sayings: tuple[str, ...], url: str, wait_loops: int
) -> None:
    """Call the IVR from the terminal and print what the caller hears."""
    config = current_app.config
    transport = (
        HttpTransport(url, config["TWILIO_AUTH_TOKEN"], config["PUBLIC_BASE_URL"])
        if url
        else InProcessTransport()
    )
    interactive = InteractiveCaller() if sys.stdin.isatty() else None
    script = parse_script(press, sayings)
    caller: Caller = (
        ScriptedCaller(script, fallback=interactive) if script or not interactive else interactive
    )
    phone = Phone(transport, from_, to, echo=click.echo, wait_loops=wait_loops)
    click.echo(f"Calling {to} from {from_} ({phone.call_sid})")
    result = phone.call(caller)
    verdict = f"reached a human: {result.destination}" if result.reached_human else result.outcome
    click.echo(f"Call ended after {result.requests} requests: {verdict}")
