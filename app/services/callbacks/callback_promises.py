"""Promising a caller a call back: the callback policy decides, a task keeps the promise.

A number has one open task at most, whether it is called back or only listened to. A new
request from a number that has one refreshes it instead of adding a task: the request is
noted on the task (and a message left with it is kept there), and, when the request is
within the hourly limits, the task's unanswered calls are forgotten and it goes back in
line now: a callback given up after its calls, or waiting an hour to be tried again, is
called again. A caller whose number is refused is promised nothing; a message they leave
is still kept, with the number's other messages, for a person to listen to, never dialed.
A limit reached, or Redis down, refuses the moment and not the number: a message left then
goes to an agent like any other.
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
    task, created = tasks.open_for(session, verdict.number), False
    if task is None and refusal is None:
        task, created = tasks.add_callback(
            session,
            request.queue,
            request.language,
            verdict.number,
            request.interaction,
            request.call_sid,
        )
    if task is None:
        return Promise(None, refusal)
    if created or _same_call(task, request):  # new, or this call's made meanwhile
        return Promise(task, _refused(task), created=created)
    _judged(task, verdict)
    _refresh(task, request, "asked again for a callback", within_limits=refusal is None)
    return Promise(task)


def keep_message(session: Session, request: Request, recording_url: str, seconds: int) -> Promise:
    """Keep a recorded message as a task: a callback if the policy allows the number, else
    a message for a person to listen to, never dialed.

    A limit reached, or Redis down, refuses the moment, not the number: the message goes to
    an agent like any other, who sees the number before calling.
    """
    made = tasks.for_call(session, request.call_sid)
    if made is not None:  # Twilio sent this again, or the call asked for a callback first
        tasks.lock(session, made)
        _attach(made, recording_url, seconds)
        return Promise(made, _refused(made))
    policy = callback_policy.current_policy(request.dialled)
    verdict = callback_policy.judge(request.number, policy)
    limit = None
    if verdict.allowed:
        limit = callback_policy.count_request(verdict.number, request.call_sid, policy)
    task, created = _message_task(session, request, verdict, recording_url, seconds)
    _attach(task, recording_url, seconds)
    if created or _same_call(task, request):
        return Promise(task, _refused(task), created=created)
    # The message goes with the number's open task: a promise, or messages to listen to.
    _judged(task, verdict)
    if task.callback_refused:
        _note(task, request, "left a message")
    else:
        _refresh(task, request, "left a message", within_limits=limit is None)
    return Promise(task, _refused(task))


def _message_task(
    session: Session,
    request: Request,
    verdict: callback_policy.Verdict,
    recording_url: str,
    seconds: int,
) -> tuple[Task, bool]:
    """The number's open task (held until commit), else a new one with the message."""
    task = tasks.open_for(session, verdict.number)
    if task is not None:
        return task, False
    task, created = tasks.add_voicemail(
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
    if not created and _same_call(task, request):
        tasks.lock(session, task)  # this call's, made meanwhile by a request sent again
    return task, created


def _refused(task: Task) -> Refusal | None:
    return Refusal(task.callback_refused) if task.callback_refused else None


def _same_call(task: Task, request: Request) -> bool:
    return bool(request.call_sid) and task.call_sid == request.call_sid


def _judged(task: Task, verdict: callback_policy.Verdict) -> None:
    """The number's open task follows the policy's verdict now: the policy may have changed
    (``CALLBACK_COUNTRIES``, our own numbers) since the task was made."""
    now = verdict.refusal.value if verdict.refusal else ""
    if task.callback_refused != now:
        said = f"refused ({now})" if now else "allowed"
        tasks.add_note(task, f"{utcnow():%Y-%m-%d %H:%M} UTC: the callback policy {said} it.")
        task.callback_refused = now


def _note(task: Task, request: Request, what: str) -> None:
    """Note the new request on the open task, once (Twilio may send it again)."""
    said = f"{what} (call {request.call_sid or 'unknown'})"
    if said not in task.notes:
        tasks.add_note(task, f"{utcnow():%Y-%m-%d %H:%M} UTC: {said}.")


def _refresh(task: Task, request: Request, what: str, within_limits: bool) -> None:
    """Note the new request on the open task; within the limits, it is called again now."""
    _note(task, request, what)
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
