"""Twilio's side of a call for ``console.py``: greeting, 0 for a person, then a hang-up in line.

Pressing 0 at the language menu is the flow's escape to a person: the caller is queued in
``general`` (``<Enqueue>``) if an agent serving it is at work, else sent to the fallback
line (``<Dial>``), which ``console.py`` counts as a wrong answer.
"""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET

from _ivr_calls import PUBLIC_BASE_URL, call_form, gather_action, parse_twiml, signed, step_form
from _load import GunicornServer, HttpRequest


def path_of(url: str) -> str:
    """An action URL as a path (the app may write it absolute, on its public base URL)."""
    return url.removeprefix(PUBLIC_BASE_URL)


def exit_of(root: ET.Element | None) -> str | None:
    """The path an ``<Enqueue>`` posts to when the caller leaves the line, if queued."""
    enqueue = root.find("Enqueue") if root is not None else None
    return path_of(enqueue.get("action") or "") if enqueue is not None else None


class HangUpCall:
    """A caller who presses 0 at the greeting, then hangs up while waiting in line."""

    def __init__(self, sid: str, from_number: str) -> None:
        self.sid = sid
        self.form = call_form(sid, from_number)
        self.answered = 0
        self.exit_path: str | None = None  # set while the caller waits in line
        self.last_answer = b""

    def first(self) -> HttpRequest:
        """The greeting webhook."""
        return signed("/voice/incoming", self.form)

    def press_zero(self, action: str) -> HttpRequest:
        """The Gather's answer: 0, a person."""
        return signed(path_of(action), step_form(self.form, "0"))

    def hang_up(self, exit_path: str) -> HttpRequest:
        """Twilio's post when the caller hangs up in line."""
        return signed(exit_path, {**self.form, "QueueResult": "hangup", "QueueTime": "4"})

    def follow(self, status: int, body: bytes) -> tuple[HttpRequest | None, bool]:
        """The next webhook (None when the call is over) and whether this answer was right."""
        self.answered += 1
        root = parse_twiml(body) if status == 200 else None
        self.last_answer = body
        if self.answered == 1:
            action = gather_action(root)
            return (self.press_zero(action), True) if action else (None, False)
        if self.answered == 2:
            self.exit_path = exit_of(root)
            return (self.hang_up(self.exit_path), True) if self.exit_path else (None, False)
        self.exit_path = None
        return None, root is not None

    @property
    def in_line(self) -> bool:
        """Queued, and not hung up yet."""
        return self.exit_path is not None


def walk_to_queue(
    server: GunicornServer, call: HangUpCall
) -> tuple[ET.Element | None, float, float]:
    """Send the greeting, then 0: the answer to the 0, its round trip in seconds and when it
    was sent (``time.monotonic()``)."""
    greeting = server.send(call.first())
    action = gather_action(parse_twiml(greeting.body))
    if greeting.status != 200 or action is None:
        raise RuntimeError(f"the greeting answered {greeting.status}: {greeting.body[:300]!r}")
    request = call.press_zero(action)
    sent = time.monotonic()
    answer = server.send(request)
    took = time.monotonic() - sent
    root = parse_twiml(answer.body) if answer.status == 200 else None
    if exit_of(root) is None:
        raise RuntimeError(f"pressing 0 did not queue the caller: {answer.body[:300]!r}")
    return root, took, sent
