"""Twilio's side of an IVR call for ``ivr.py``: signed webhooks, the answers they expect.

A step's navigation token can be made here, without asking the app: it is the app's own
itsdangerous token (``app/twilio/state.py``: secret key, salt ``ivr-state``) over the state
the pure engine reaches from the greeting, with no interaction id (``"i": None``), so the
app finds the call by its CallSid as it does for any step whose token names none.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from _ivr_data import CallPlan
from _load import HttpRequest
from itsdangerous import URLSafeSerializer
from twilio.request_validator import RequestValidator

from ivr_flows import CallContext, Caller, Flow, load_flow, start

ACCOUNT_SID = "AC" + "5e" * 16
AUTH_TOKEN = "bench-auth-token-0123456789abcdef"
SECRET_KEY = "bench-secret-key-0123456789abcdef"
STATE_SALT = "ivr-state"  # app/twilio/state.py signs navigation state with this salt
PUBLIC_BASE_URL = "https://helpline.example.com"
MAIN_LINE = "+15558675310"
FALLBACK_NUMBER = "+15005550006"
HEADERS = {
    "Content-Type": "application/x-www-form-urlencoded",
    "User-Agent": "TwilioProxy/1.1",
    "Accept": "*/*",
    "X-Home-Region": "us1",
}
_validator = RequestValidator(AUTH_TOKEN)


def call_form(call_sid: str, from_number: str) -> dict[str, str]:
    """The form Twilio posts for an inbound call to the main line."""
    return {
        "AccountSid": ACCOUNT_SID,
        "ApiVersion": "2010-04-01",
        "CallSid": call_sid,
        "CallStatus": "in-progress",
        "Called": MAIN_LINE,
        "CalledCountry": "US",
        "Caller": from_number,
        "CallerCountry": "US",
        "Direction": "inbound",
        "From": from_number,
        "FromCountry": "US",
        "To": MAIN_LINE,
        "ToCountry": "US",
    }


def signed(path: str, form: dict[str, str], signature: str | None = "") -> HttpRequest:
    """A form post to ``path``, signed as Twilio would, or with ``signature`` (None: none)."""
    if signature == "":
        signature = _validator.compute_signature(PUBLIC_BASE_URL + path, form)
    headers = dict(HEADERS)
    if signature is not None:
        headers["X-Twilio-Signature"] = signature
    return HttpRequest("POST", path, urlencode(form).encode("ascii"), headers)


def step_form(form: dict[str, str], digits: str) -> dict[str, str]:
    """The call's form plus what a Gather adds when the caller pressed ``digits``."""
    return {**form, "Digits": digits, "FinishedOnKey": "", "msg": "Gather End"}


def raw_http(request: HttpRequest, close: bool = False) -> bytes:
    """``request`` as the bytes on the wire (HTTP/1.1), for wrk and the open-loop generator."""
    lines = [f"{request.method} {request.path} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{name}: {value}" for name, value in request.headers.items()]
    lines.append(f"Content-Length: {len(request.body)}")
    if close:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + request.body


class Tokens:
    """Step tokens as the app makes them, for the first answer of each kind of caller."""

    def __init__(self, flows_dir: Path) -> None:
        self.flow: Flow = load_flow(flows_dir / "main.yaml")
        self.serializer = URLSafeSerializer(SECRET_KEY, salt=STATE_SALT)
        self._cache: dict[Caller, str] = {}

    def first_state(self, caller: Caller) -> dict[str, Any]:
        """The state the engine reaches from the greeting (now, no switch closed)."""
        step = start(self.flow, CallContext(now=datetime.now(UTC), caller=caller))
        return step.state.to_dict()

    def payload(self, caller: Caller) -> dict[str, Any]:
        """What the app signs into the first step's URL, minus the interaction id."""
        return {"s": self.first_state(caller), "c": asdict(caller), "i": None}

    def first_step_path(self, caller: Caller) -> str:
        """``/voice/step?s=...`` for the answer to the greeting."""
        if caller not in self._cache:
            self._cache[caller] = self.serializer.dumps(self.payload(caller))
        return f"/voice/step?s={self._cache[caller]}"

    def decode(self, path: str) -> dict[str, Any]:
        """The payload of a step URL the app answered with."""
        token = path.split("?s=", 1)[1]
        decoded: dict[str, Any] = self.serializer.loads(token)
        return decoded


def pregenerated_call(plan: CallPlan, call_sid: str, tokens: Tokens) -> tuple[bytes, bytes]:
    """The greeting and the first step of a call, signed, as raw HTTP for wrk."""
    form = call_form(call_sid, plan.phone)
    incoming = signed("/voice/incoming", form)
    step = signed(tokens.first_step_path(plan.caller), step_form(form, plan.digits[0]))
    return raw_http(incoming), raw_http(step)


def parse_twiml(body: bytes) -> ET.Element | None:
    """The TwiML document, or None if the body is not XML."""
    try:
        return ET.fromstring(body)
    except ET.ParseError:
        return None


def gather_action(root: ET.Element | None) -> str | None:
    """The URL a ``<Gather>`` posts the caller's answer to, if the answer listens."""
    gather = root.find("Gather") if root is not None else None
    return gather.get("action") if gather is not None else None


def enqueued(root: ET.Element | None) -> str | None:
    """The queue an ``<Enqueue>`` puts the caller in, if the answer hands the call over."""
    enqueue = root.find("Enqueue") if root is not None else None
    return (enqueue.text or "").strip() if enqueue is not None else None


@dataclass
class IvrCall:
    """A call walking the menus: the greeting, then the planned keys at each ``<Gather>``.

    ``ends_in_queue`` says that the last answer must be an ``<Enqueue>``; the bare app,
    which only ever answers a Gather, is held to Gathers all the way.
    """

    plan: CallPlan
    call_sid: str
    ends_in_queue: bool
    form: dict[str, str] = field(init=False)
    answered: int = 0

    def __post_init__(self) -> None:
        self.form = call_form(self.call_sid, self.plan.phone)

    def first(self) -> HttpRequest:
        """The greeting webhook."""
        return signed("/voice/incoming", self.form)

    def follow(self, status: int, body: bytes) -> tuple[HttpRequest | None, bool]:
        """The next webhook (None when the call is over) and whether this answer was right."""
        root = parse_twiml(body) if status == 200 else None
        action = gather_action(root)
        if self.answered == len(self.plan.digits):
            right = enqueued(root) is not None if self.ends_in_queue else action is not None
            return None, right
        if action is None:
            return None, False
        digits = self.plan.digits[self.answered]
        self.answered += 1
        return signed(action, step_form(self.form, digits)), True


class CallSids:
    """Unique CallSids for one run: a random tag, then a counter (so a kept database is fine)."""

    def __init__(self, tag: int) -> None:
        self.tag = tag & 0xFFFFFFFF
        self.count = 0

    def next(self) -> str:
        """A CallSid no earlier call of this run, or of another run, has used."""
        self.count += 1
        return f"CA{self.tag:08x}{self.count:024x}"
