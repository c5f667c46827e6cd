"""Waiting for a person: what callers hear on hold, and where they go when they leave.

The overflow ladder: a caller who waits past the queue's maximum, or whose queue has
nobody at work, leaves (``<Leave>``) for the next staffed queue with the same priority,
then for ``FALLBACK_NUMBER``; if nobody answers there, the caller leaves a message that
becomes a callback task. A caller may instead keep their place by callback, when the
callback policy allows their number; a caller it refuses is told why and keeps their place.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from flask import current_app, url_for
from redis.exceptions import RedisError
from twilio.twiml.voice_response import VoiceResponse

from app.extensions import db, redis_store
from app.services.agents import offers
from app.services.callbacks import callback_policy
from app.services.callbacks.callback_promises import Request, promise_callback
from app.services.calls import calls, queueing, twilio_queues
from app.services.calls.hold_messages import say_text
from app.services.calls.last_resort import fallback_then_voicemail, refusal_text, whole_number
from app.twilio.ivr_twiml import locale
from routing.eligibility import lacks, not_free
from routing.entries import EntryState
from routing.model import Presence
from routing.store import QueueEntry, RemovalReason

log = logging.getLogger(__name__)


# Twilio's QueueResult values that mean a person already spoke with the caller.
SPOKE_WITH_A_PERSON = {"bridged", "bridging-in-process", "redirected-from-bridged"}


LEAVING_KEY = "helpline:leaving:%s"  # why a caller is leaving the queue: overflow or callback
CALLBACK_OFFER_SECONDS = 180  # offer to keep the caller's place by callback above this wait
DEFAULT_HANDLE_SECONDS = 240.0
LIVE = (EntryState.WAITING, EntryState.OFFERED)
AT_WORK = (Presence.AVAILABLE, Presence.BUSY, Presence.WRAP_UP)

# An agent accepted the caller and Twilio is moving them: no overflow meanwhile. Past this,
# something failed on the way, and the overflow ladder applies again.
CONNECTING_SECONDS = 30.0


def waiting(queue_name: str, form: Mapping[str, str], language: str = "en") -> str:
    """Hold TwiML: the caller's place in priority order, the estimated wait, a callback offer.

    A caller who has waited the queue's maximum, or whose queue has nobody at work any more,
    is sent out with ``<Leave>``; the Enqueue action then takes them up the overflow ladder.
    """
    call_sid = form.get("CallSid", "")
    config = queueing.config_for(queue_name)
    twilio_queues.remember_twilio_queue(queue_name, form.get("QueueSid", ""))
    entry = queueing.store().entry(call_sid)
    if entry is None:
        interaction = calls.interaction_for(db.session, call_sid)
        entry = queueing.restore(interaction, queue_name) if interaction is not None else None
    agents, free = serving(queue_name, entry)
    response = VoiceResponse()
    too_long = whole_number(form.get("QueueTime")) >= config.max_wait_seconds or agents == 0
    if too_long and not _connecting(entry):
        _leaving(call_sid, "overflow")
        response.say(say_text(language, "too_long"), language=locale(language))
        response.leave()
        return str(response)
    wait = 0.0  # an agent has the offer already: they are about to be connected
    if entry is None or entry.state is not EntryState.OFFERED:
        place = queueing.store().position(call_sid)
        position = place.position if place else whole_number(form.get("QueuePosition")) or 1
        wait = estimated_wait(queue_name, max(0, position - free), agents)
        say = say_text(language, "position", position=position)
        response.say(say, language=locale(language))
    if wait <= 0:  # someone is (about to be) free for this caller: no estimate, no callback
        response.say(say_text(language, "soon"), language=locale(language))
    else:
        minutes = max(1, round(wait / 60))
        key = "estimate_one" if minutes == 1 else "estimate"
        response.say(say_text(language, key, minutes=minutes), language=locale(language))
        if wait >= CALLBACK_OFFER_SECONDS and _may_offer_callback(form):
            gather = response.gather(
                input="dtmf", num_digits=1, timeout=3, action=_choice_url(queue_name, language)
            )
            gather.say(say_text(language, "offer_callback"), language=locale(language))
    response.play(current_app.config["HOLD_MUSIC_URL"])
    return str(response)


def serving(queue_name: str, entry: QueueEntry | None) -> tuple[int, int]:
    """Agents at work in the queue who could take this caller (skills, language), and how
    many of them are free now.

    A queue staffed only by agents without the caller's skills or language is, for this
    caller, a queue with nobody at work: they move up the ladder instead of waiting for
    nobody.
    """
    if entry is None:  # nothing known of the caller's needs: the queue's own count
        return queueing.working_agents(queue_name), 0
    skills = [str(skill) for skill in entry.payload.get("skills") or ()]
    language = str(entry.payload.get("language") or "en")
    able = [
        agent
        for agent in offers.load_roster([queue_name]).values()
        if agent.presence in AT_WORK and lacks(agent, skills, language) is None
    ]
    return len(able), sum(1 for agent in able if not_free(agent) is None)


def _may_offer_callback(form: Mapping[str, str]) -> bool:
    """Whether the callback policy lets us call this caller back (its limits aside)."""
    policy = callback_policy.current_policy(callback_policy.dialled(form))
    return callback_policy.can_call_back(form.get("From", ""), policy)


def _connecting(entry: QueueEntry | None) -> bool:
    """Whether an agent accepted the caller moments ago (a pending offer still waits)."""
    if entry is None or entry.accepted_at is None:
        return False
    return queueing.store().now() - entry.accepted_at < CONNECTING_SECONDS


def estimated_wait(queue_name: str, position: int, agents: int) -> float:
    """Seconds until a caller at ``position`` among those no free agent can take yet is
    answered: the queue's own handle times, shared by the agents at work."""
    stats = queueing.store().stats(queue_name)
    handle = stats.average_handle_time or DEFAULT_HANDLE_SECONDS
    return position * handle / max(1, agents)


def hold_choice(queue_name: str, form: Mapping[str, str], language: str) -> str:
    """The caller pressed a key on hold: 1 keeps their place by callback, if the callback
    policy takes the request (counted now); else they hear why, and keep their place."""
    response = VoiceResponse()
    if form.get("Digits", "").strip() != "1":
        return str(response)  # back to the hold music
    dialled = callback_policy.dialled(form)
    verdict = callback_policy.admit(form.get("From", ""), form.get("CallSid"), dialled)
    if verdict.refusal is not None:
        said = f"{refusal_text(verdict.refusal, language)} {say_text(language, 'place_kept')}"
        response.say(said, language=locale(language))
        return str(response)  # then the hold music again
    _leaving(form.get("CallSid", ""), "callback")
    response.leave()
    return str(response)


def left_queue(queue_name: str, form: Mapping[str, str], language: str = "en") -> str:
    """After ``<Enqueue>``: done after a conversation; otherwise overflow, callback or a person."""
    result = form.get("QueueResult", "")
    call_sid = form.get("CallSid", "")
    if result in SPOKE_WITH_A_PERSON or result == "redirected":
        return str(VoiceResponse())
    if result == "hangup":
        queueing.store().remove(call_sid, RemovalReason.ABANDONED)
        _mark(call_sid, "abandoned")
        db.session.commit()
        return str(VoiceResponse())
    reason = _leaving_reason(call_sid) if result == "leave" else None
    if reason == "callback":
        return keep_place_by_callback(queue_name, form, language)
    if reason == "overflow":
        return overflow(queue_name, form, language)
    log.warning("caller left queue %s (%s): dialing the fallback line", queue_name, result)
    return to_fallback_line(call_sid, language)


def to_fallback_line(call_sid: str, language: str) -> str:
    """The caller goes to the 24/7 line: out of our queue first, so no agent is offered
    someone who is already talking to a person there."""
    try:
        queueing.store().remove(call_sid, RemovalReason.OVERFLOWED)
    except RedisError as exc:  # the caller still gets the fallback line
        log.warning("could not take the caller out of the queue (%s)", type(exc).__name__)
    return fallback_then_voicemail(language)


def overflow(queue_name: str, form: Mapping[str, str], language: str) -> str:
    """Up the ladder: the next staffed queue keeps the caller's priority; else the fallback.

    Twilio may send the same request again: a caller already moved on from ``queue_name``
    is only told again where they wait, never moved (or offered) a second time.
    """
    call_sid = form.get("CallSid", "")
    moved = queueing.store().entry(call_sid)
    if moved is not None and moved.queue != queue_name and moved.state in LIVE:
        return _moved_to(moved.queue, language)
    removal = queueing.store().remove(call_sid, RemovalReason.OVERFLOWED)
    config = queueing.config_for(queue_name)
    target, steps = (None, [])
    if config.overflow is not None:
        target, steps = queueing.first_staffed(config.overflow)
    if target is None or removal is None:
        return to_fallback_line(call_sid, language)
    entry = removal.entry
    queueing.store().enqueue(
        call_sid,
        target.name,
        score=entry.score,
        arrival=entry.arrival,
        payload={
            **entry.payload,
            # The overflow queue serves whoever its own skills allow: a caller nobody could
            # serve in the first queue is not held to that queue's needs any more.
            "skills": list(target.skills),
            "trace": [
                *entry.payload.get("trace", []),
                *steps,
                f"overflow from {queue_name} to {target.name}",
            ],
        },
    )
    db.session.commit()
    offers.contact_waiting(call_sid, (f"overflow from {queue_name} to {target.name}",))
    return _moved_to(target.name, language)


def _moved_to(queue_name: str, language: str) -> str:
    """Tell the caller another team will help, and wait in its queue."""
    response = VoiceResponse()
    response.say(say_text(language, "overflow"), language=locale(language))
    twilio_queues.enqueue_twiml(response, queue_name, language)
    return str(response)


def keep_place_by_callback(queue_name: str, form: Mapping[str, str], language: str) -> str:
    """The caller chose a callback: a task that keeps the live call's place in line (or
    the number's open task, refreshed); a person now if the policy refuses it after all."""
    call_sid = form.get("CallSid", "")
    interaction = calls.interaction_for(db.session, call_sid)
    promise = promise_callback(db.session, Request.of_call(form, queue_name, language, interaction))
    if promise.task is None or not promise.kept:
        db.session.commit()
        return to_fallback_line(call_sid, language)
    task = promise.task
    removal = queueing.store().remove(call_sid, RemovalReason.CANCELLED)
    if removal is not None and promise.created:
        entry = removal.entry
        queueing.store().enqueue(
            f"callback:{task.id}",
            queue_name,
            score=entry.score,
            arrival=entry.arrival,
            payload={**entry.payload, "kind": "callback", "task_id": task.id, "phone": task.phone},
        )
    if interaction is not None:
        calls.mark_outcome(interaction, "callback", queue_name)
    db.session.commit()
    if removal is not None:
        offers.contact_waiting(f"callback:{task.id}")
    response = VoiceResponse()
    response.say(say_text(language, "callback_kept"), language=locale(language))
    response.hangup()
    return str(response)


def forget_ended_call(call_sid: str, status: str) -> None:
    """A call ended: a contact the queue store still holds leaves it as abandoned.

    Hanging up on hold is seen by the Enqueue action; hanging up after Twilio moved the
    caller out of its queue (an agent's phone ringing) is seen only here. Without this, the
    contact would be put back in line and offered to agents with nobody on the line.
    """
    if status not in calls.FINAL_STATUSES or not call_sid:
        return
    try:
        removal = queueing.store().remove(call_sid, RemovalReason.ABANDONED)
    except RedisError as exc:  # the record is closed either way; this is housekeeping
        log.warning("could not take the ended call out of the queue (%s)", type(exc).__name__)
        return
    if removal is not None:
        log.info("call ended while %s in %s", removal.entry.state.value, removal.entry.queue)


def _choice_url(queue_name: str, language: str) -> str:
    return url_for("voice.hold_key", q=queue_name, l=language)


def _leaving(call_sid: str, reason: str) -> None:
    redis_store.client.set(LEAVING_KEY % call_sid, reason, ex=3600)


def _leaving_reason(call_sid: str) -> str | None:
    try:
        value = redis_store.client.get(LEAVING_KEY % call_sid)
    except Exception as exc:  # without Redis, a person picks up instead
        log.warning("leaving reason unknown (%s)", type(exc).__name__)
        return None
    return value.decode() if isinstance(value, bytes) else value


def _mark(call_sid: str, outcome: str) -> None:
    interaction = calls.interaction_for(db.session, call_sid)
    if interaction is not None:
        calls.mark_outcome(interaction, outcome)
