"""A phone in the terminal: walks the IVR as Twilio would, through the real webhooks.

It posts Twilio's parameters, signed, follows the TwiML verbs the app answers with, and
tells what the caller hears. Supervisors use it to try a flow before it goes live.
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urljoin

ACCOUNT_SID_FOR_SIMULATION = "AC" + "0" * 32
MAX_REQUESTS = 60  # a flow that never lets go of the caller is a bug; stop and say so


class Transport(Protocol):
    """Posts a signed webhook and returns the TwiML the app answered with."""

    def post(self, url: str, params: dict[str, str]) -> str: ...


@dataclass(frozen=True)
class Reply:
    """What the caller does at a ``<Gather>``: keys, words, or nothing (silence)."""

    digits: str = ""
    speech: str = ""

    @property
    def silent(self) -> bool:
        return not self.digits and not self.speech


class Caller(Protocol):
    """Decides what to do each time the IVR waits for input; ``None`` hangs up."""

    def reply(self) -> Reply | None: ...


@dataclass
class ScriptedCaller:
    """Presses keys and says words from a script, in order; hangs up when it runs out."""

    script: list[Reply]
    fallback: Caller | None = None

    def reply(self) -> Reply | None:
        if self.script:
            return self.script.pop(0)
        return self.fallback.reply() if self.fallback else None


@dataclass
class CallResult:
    """How the call ended and what the caller heard on the way."""

    outcome: str = "hangup"
    reached_human: bool = False
    destination: str = ""
    transcript: list[str] = field(default_factory=list)
    requests: int = 0


class Phone:
    """One simulated call from ``caller_number`` to ``called_number``."""

    def __init__(
        self,
        transport: Transport,
        caller_number: str,
        called_number: str,
        echo: Callable[[str], None] | None = None,
        wait_loops: int = 1,
    ) -> None:
        self.transport = transport
        self.call_sid = "CA" + uuid.uuid4().hex
        self.base_params = {
            "AccountSid": ACCOUNT_SID_FOR_SIMULATION,
            "ApiVersion": "2010-04-01",
            "CallSid": self.call_sid,
            "Direction": "inbound",
            "From": caller_number,
            "Caller": caller_number,
            "To": called_number,
            "Called": called_number,
        }
        self.echo = echo or (lambda line: None)
        self.wait_loops = wait_loops
        self.result = CallResult()

    def call(self, caller: Caller, entry: str = "/voice/incoming") -> CallResult:
        """Place the call, follow it to its end, then report its status like Twilio."""
        url = entry
        twiml = self._post(url, {"CallStatus": "ringing"})
        while twiml is not None:
            next_request = self._follow(url, twiml, caller)
            if next_request is None:
                break
            url, extra = next_request
            twiml = self._post(url, extra)
        self._post("/voice/status", {"CallStatus": "completed", "CallDuration": "30"})
        return self.result

    def _post(self, url: str, extra: dict[str, str]) -> str | None:
        if self.result.requests >= MAX_REQUESTS:
            self._say(f"(gave up after {MAX_REQUESTS} requests: the flow never let go)")
            self.result.outcome = "stuck"
            return None
        self.result.requests += 1
        params = {**self.base_params, "CallStatus": "in-progress", **extra}
        return self.transport.post(url, params)

    def _say(self, line: str) -> None:
        self.result.transcript.append(line)
        self.echo(line)

    def _follow(self, url: str, twiml: str, caller: Caller) -> tuple[str, dict[str, str]] | None:
        """Run the verbs of one TwiML document; return the next request, or None at the end."""
        try:
            root = ET.fromstring(twiml)
        except ET.ParseError:
            self._say("(the app answered with something that is not TwiML)")
            self.result.outcome = "invalid-twiml"
            return None
        for verb in root:
            step = self._verb(url, verb, caller)
            if step is not _CONTINUE:
                return step  # type: ignore[return-value]
        if not self.result.reached_human:
            self._say("(the call ends: Twilio hangs up after the last verb)")
        return None

    def _verb(self, url: str, verb: ET.Element, caller: Caller) -> object:
        handler = _VERBS.get(verb.tag)
        if handler is None:
            self._say(f"(ignores <{verb.tag}>)")
            return _CONTINUE
        return handler(self, url, verb, caller)

    # --- verbs -------------------------------------------------------------

    def _hear(self, _url: str, verb: ET.Element, _caller: Caller) -> object:
        if verb.tag == "Say":
            self._say(f"  says: {(verb.text or '').strip()}")
        elif verb.tag == "Play":
            self._say(f"  plays: {(verb.text or '').strip()}")
        elif verb.tag == "Pause":
            self._say(f"  (pause {verb.get('length', '1')} s)")
        return _CONTINUE

    def _gather(self, url: str, verb: ET.Element, caller: Caller) -> object:
        for child in verb:
            self._hear(url, child, caller)
        reply = caller.reply()
        if reply is None:
            self._say("(caller hangs up)")
            self.result.outcome = "caller-hung-up"
            return None
        self._say(f"  caller: {_describe(reply)}")
        action = urljoin(url, verb.get("action") or url)
        if reply.silent and verb.get("actionOnEmptyResult") != "true":
            return _CONTINUE
        if reply.digits:
            return action, {"Digits": reply.digits}
        if reply.speech:
            return action, {"SpeechResult": reply.speech, "Confidence": "0.92"}
        return action, {}

    def _redirect(self, url: str, verb: ET.Element, _caller: Caller) -> object:
        return urljoin(url, (verb.text or "").strip()), {}

    def _enqueue(self, url: str, verb: ET.Element, _caller: Caller) -> object:
        queue = (verb.text or "").strip()
        self._reached(f"queue {queue}", f"  (waits in queue '{queue}' for an agent)")
        wait_url = verb.get("waitUrl")
        for loop in range(self.wait_loops if wait_url else 0):
            twiml = self._post(
                urljoin(url, wait_url or ""),
                {"QueuePosition": "1", "QueueTime": str(30 * loop), "CurrentQueueSize": "1"},
            )
            for hold in ET.fromstring(twiml or "<Response/>"):
                self._hear(url, hold, _caller)
        return None

    def _dial(self, _url: str, verb: ET.Element, _caller: Caller) -> object:
        target = (verb.text or "").strip() or " ".join(
            f"{child.tag.lower()} {(child.text or '').strip()}" for child in verb
        )
        self._reached(f"dial {target}", f"  (connected to {target})")
        return None

    def _record(self, url: str, verb: ET.Element, _caller: Caller) -> object:
        self._say("  (beep: the caller leaves a message)")
        action = urljoin(url, verb.get("action") or url)
        return action, {
            "RecordingUrl": f"https://api.twilio.com/2010-04-01/Accounts/"
            f"{ACCOUNT_SID_FOR_SIMULATION}/Recordings/RE{uuid.uuid4().hex}",
            "RecordingDuration": "12",
            "RecordingSid": "RE" + uuid.uuid4().hex,
        }

    def _hangup(self, _url: str, _verb: ET.Element, _caller: Caller) -> object:
        self._say("  (the IVR hangs up)")
        if not self.result.reached_human:
            self.result.outcome = "hangup"
        return None

    def _reached(self, destination: str, line: str) -> None:
        self._say(line)
        self.result.reached_human = True
        self.result.destination = destination
        self.result.outcome = "human"


def _describe(reply: Reply) -> str:
    if reply.digits:
        return f"presses {reply.digits}"
    if reply.speech:
        return f'says "{reply.speech}"'
    return "(silence)"


_CONTINUE = object()
_VERBS: dict[str, Callable[[Phone, str, ET.Element, Caller], object]] = {
    "Say": Phone._hear,
    "Play": Phone._hear,
    "Pause": Phone._hear,
    "Gather": Phone._gather,
    "Redirect": Phone._redirect,
    "Enqueue": Phone._enqueue,
    "Dial": Phone._dial,
    "Record": Phone._record,
    "Hangup": Phone._hangup,
    "Reject": Phone._hangup,
}


def parse_script(presses: str, sayings: tuple[str, ...]) -> list[Reply]:
    """``--press 1,,0`` (an empty item is silence) then each ``--say``, in that order."""
    replies = [Reply(digits=keys.strip()) for keys in presses.split(",")] if presses else []
    replies.extend(Reply(speech=text) for text in sayings)
    return replies


class InteractiveCaller:
    """Keys typed at a prompt; words that are not keys are speech; Enter alone is silence."""

    PROMPT = "  your move (keys, words, Enter for silence, Ctrl-D to hang up)> "

    def __init__(self, read: Callable[[str], str] = input) -> None:
        self.read = read

    def reply(self) -> Reply | None:
        try:
            text = self.read(self.PROMPT).strip()
        except EOFError:
            return None
        if text and all(ch in "0123456789*#" for ch in text):
            return Reply(digits=text)
        return Reply(speech=text)
