"""Open callback and voicemail tasks in line for agents, as callback contacts.

A task is the promise of a person calling back; the database keeps it until an agent closes
it at wrap-up. The offer sweep puts every open task that the queue store does not hold in
line (``callback:<id>``), so tasks made by the IVR (an after-hours callback, a voicemail,
a message left at the end of the ladder) reach agents, and so do tasks whose live entry
Redis lost. A task already in the store, waiting, offered or being called, is left alone,
and so is a callback whose customer was not reached after its calls: a person has it now.
A task whose number the callback policy refuses is never put in line: a person reads it.
The sweep's query passes over those two kinds in the database (``TO_QUEUE``, an index of
its own), so however many pile up, no sweep reads them again.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from redis.exceptions import RedisError
from sqlalchemy import select, text

from app.extensions import db, redis_store
from app.models import Task
from app.models.tasks import TO_QUEUE, TO_QUEUE_INDEX
from app.services.callbacks import callback_attempts, callback_policy
from app.services.calls import connecting, queueing
from app.services.calls.routing_data import customer_history, customer_value
from routing import Contact, prioritize, store_score
from routing.entries import EntryState
from routing.model import CALLBACK_PREFIX

log = logging.getLogger(__name__)

# Tasks read per query, and put in line per sweep: a bigger backlog goes in over sweeps.
BATCH = 200
# A task in the store in one of these states is not put back in line by a new request.
_LEFT_ALONE = (EntryState.WAITING, EntryState.OFFERED, EntryState.ANSWERED)


def contact_id(task_id: int) -> str:
    """The id a task waits under in the queue store."""
    return f"{CALLBACK_PREFIX}{task_id}"


def queue_open_tasks(limit: int = BATCH) -> int:
    """Put open tasks the store does not know in line, oldest first; how many were put.

    Tasks that cannot go in line are passed over, however many there are, so they never
    keep a newer task out: a callback given up after its calls, and a task whose number
    the callback policy refuses (a voicemail from a withheld number: a person reads it).
    The database skips those it knows of; the policy and the store judge the rest.
    """
    policy = callback_policy.current_policy()
    queued = 0
    after = 0
    while queued < limit:
        batch = db.session.scalars(
            select(Task)
            .where(text(TO_QUEUE), Task.id > after)  # as written in ix_tasks_to_queue
            .where(Task.claimed_by_agent_id.is_(None))  # a claimed task is its agent's
            # SQLite, without ANALYZE, would rather read every open task by status.
            .with_hint(Task, f"INDEXED BY {TO_QUEUE_INDEX}", dialect_name="sqlite")
            .order_by(Task.id)
            .limit(BATCH)
        ).all()
        if not batch:
            break
        after = batch[-1].id
        callable_tasks = [task for task in batch if _may_call(task, policy)]
        ids = [contact_id(task.id) for task in callable_tasks]
        passed_over = queueing.store().known(ids) | connecting.given_up(ids) if ids else set()
        for task in callable_tasks:
            if queued < limit and contact_id(task.id) not in passed_over:
                queue_task(task)
                queued += 1
    if queued:
        log.info("put %d open task(s) in line for agents", queued)
    return queued


def _may_call(task: Task, policy: callback_policy.Policy) -> bool:
    """Whether the task's number may be called: not refused when it was made, nor now."""
    return not task.callback_refused and callback_policy.can_call_back(task.phone, policy)


def back_in_line(task: Task) -> bool:
    """A new request for an open task: its unanswered calls are forgotten, and it goes back
    in line now unless it is live (waiting, offered, being called) or an agent spoke with
    the customer (the task then waits for their wrap-up). Whether it went in line."""
    contact = contact_id(task.id)
    task.given_up_at = None  # its calls are forgotten: the sweep may put it in line again
    try:
        redis_store.client.delete(callback_attempts.ATTEMPTS_KEY % contact)
        entry = queueing.store().entry(contact)
        if entry is not None and entry.state in _LEFT_ALONE:
            return False
        queue_task(task)
    except RedisError as exc:  # the offer sweep puts it in line once the store forgets it
        log.warning("task %s not put back in line (%s)", task.id, type(exc).__name__)
        return False
    return True


def queue_task(task: Task) -> None:
    """Put one open task in its queue, scored like a contact from the same customer.

    Its arrival is the task's creation, so the oldest promise is kept first; the queue need
    not be staffed: the task waits for the next agent at work.
    """
    store = queueing.store()
    created = task.created_at
    if created.tzinfo is None:  # stored naive, in UTC
        created = created.replace(tzinfo=UTC)
    now = store.now()
    arrived_at = min(created.timestamp(), now)
    queue = queueing.config_for(task.queue)
    contact = Contact(
        id=contact_id(task.id),
        kind="callback",
        queue=queue.name,
        skills=queue.skills,
        language=task.language,
        arrived_at=arrived_at,
        customer=customer_value(db.session, task.customer_id),
        history=customer_history(db.session, task.customer_id, datetime.fromtimestamp(now, UTC)),
    )
    rules = queueing.weights()
    priority = prioritize(contact, rules)
    trace = [f"open {task.kind.value} task {task.id}", *priority.trace]
    store.enqueue(
        contact.id,
        queue.name,
        score=store_score(priority, arrived_at, rules),
        arrival=arrived_at,
        payload={
            "kind": "callback",
            "task_id": task.id,
            "task_kind": task.kind.value,
            "phone": task.phone,
            "interaction_id": task.interaction_id,
            "customer_id": task.customer_id,
            "tier": contact.customer.tier,
            "language": task.language,
            "skills": list(contact.skills),
            "recording_url": task.recording_url,
            "trace": trace,
            "base": priority.base,
        },
    )
