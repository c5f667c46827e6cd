"""Promising a caller a call back: the callback policy decides, a task keeps the promise.

At most one open task calls a number back. A new request from a number that has one
refreshes it instead of adding a task: the request is noted on the task (and a message
left with it is kept there), and, when the request is within the hourly limits, the
task's unanswered calls are forgotten and it goes back in line now: a callback given up
after its calls, or waiting an hour to be tried again, is called again. A caller whose
number is refused is promised nothing; a message they leave is still kept, as a task
for a person to listen to that is never dialed. A limit reached, or Redis down, refuses
the moment and not the number: a message left then goes to an agent like any other.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.models import Interaction, Task, TaskKind, utcnow
from app.services.callbacks import callback_policy, task_queue, tasks
from app.services.callbacks.callback_policy import Refusal

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Promise:
    """The task behind a request (None if none was made), and why we will not call back."""

    task: Task | None
    refusal: Refusal | None = None
    created: bool = False  # a new task, not one refreshed or made by the same call before

    @property
    def kept(self) -> bool:
        """Whether the caller may be told we will call them back."""
        return self.task is not None and self.refusal is None


@dataclass(frozen=True)
class Request:
    """Who asked for a callback, from which call, for which queue."""

    number: str  # as given: E.164, or digits typed on the keypad
    queue: str
    language: str
    interaction: Interaction | None
    call_sid: str | None
    dialled: tuple[str, ...] = ()  # the numbers the caller dialled: ours, never called back

    @classmethod
    def of_call(
        cls,
        form: Mapping[str, str],
        queue: str,
        language: str,
        interaction: Interaction | None,
    ) -> Request:
        """A request to call back the number that called, from a voice webhook's form."""
        call_sid = form.get("CallSid") or None
        number = form.get("From", "")
        return cls(number, queue, language, interaction, call_sid, callback_policy.dialled(form))


def promise_callback(session: Session, request: Request) -> Promise:
    """A callback task for ``request``: a new one, the number's open one refreshed, or none."""
    policy = callback_policy.current_policy(request.dialled)
    verdict = callback_policy.judge(request.number, policy)
    if not verdict.allowed:
        return Promise(None, verdict.refusal)
    made = tasks.for_call(session, request.call_sid)
    if made is not None:  # the same call asked before: the same answer
        return Promise(made, _refused(made))
    refusal = callback_policy.count_request(verdict.number, request.call_sid, policy)
    task = tasks.open_to_call_back(session, verdict.number)
    if task is not None:
        _refresh(task, request, "asked again for a callback", within_limits=refusal is None)
        return Promise(task)
    if refusal is not None:
        return Promise(None, refusal)
    task = tasks.create_callback(
        session,
        request.queue,
        request.language,
        verdict.number,
        request.interaction,
        request.call_sid,
    )
    return Promise(task, created=True)


def keep_message(session: Session, request: Request, recording_url: str, seconds: int) -> Promise:
    """Keep a recorded message as a task: a callback if the policy allows the number, else
    a message for a person to listen to, never dialed.

    A limit reached, or Redis down, refuses the moment, not the number: the message goes to
    an agent like any other, who sees the number before calling.
    """
    made = tasks.for_call(session, request.call_sid)
    if made is not None:  # Twilio sent this again, or the call asked for a callback first
        _attach(made, recording_url, seconds)
        return Promise(made, _refused(made))
    policy = callback_policy.current_policy(request.dialled)
    verdict = callback_policy.judge(request.number, policy)
    if verdict.allowed:
        limit = callback_policy.count_request(verdict.number, request.call_sid, policy)
        task = tasks.open_to_call_back(session, verdict.number)
        if task is not None:  # the message goes with the promise the number has already
            _attach(task, recording_url, seconds)
            _refresh(task, request, "left a message", within_limits=limit is None)
            return Promise(task)
    task = tasks.create_voicemail(
        session,
        queue=request.queue,
        language=request.language,
        number=verdict.number,
        recording_url=recording_url,
        seconds=seconds,
        interaction=request.interaction,
        call_sid=request.call_sid,
        refused=verdict.refusal or "",
    )
    return Promise(task, verdict.refusal, created=True)


def _refused(task: Task) -> Refusal | None:
    return Refusal(task.callback_refused) if task.callback_refused else None


def _refresh(task: Task, request: Request, what: str, within_limits: bool) -> None:
    """Note the new request on the open task; within the limits, it is called again now."""
    said = f"{what} (call {request.call_sid or 'unknown'})"
    if said not in task.notes:  # Twilio may send the same request again
        tasks.add_note(task, f"{utcnow():%Y-%m-%d %H:%M} UTC: {said}.")
    if within_limits and task_queue.back_in_line(task):
        log.info("task %s refreshed by a new request: back in line", task.id)


def _attach(task: Task, recording_url: str, seconds: int) -> None:
    """The message goes with the open task: as its recording, or noted if it has one."""
    if task.recording_url == recording_url:
        return
    if not task.recording_url:
        task.kind = TaskKind.VOICEMAIL
        task.recording_url = recording_url
        task.recording_seconds = seconds
    else:
        tasks.add_note(task, f"Another message ({seconds} s): {recording_url}")
