"""Broadcasts: a supervisor's message about an incident, planned to its audience (one
delivery per recipient, counted before anything is sent), then sent and followed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import (
    Broadcast,
    BroadcastChannel,
    BroadcastState,
    Customer,
    Delivery,
    Incident,
    Severity,
    User,
    utcnow,
)
from app.services.broadcasts import audience, load_hold
from app.services.incidents.lifecycle import IncidentError, get
from app.services.scripts import script_lint, script_variables, scripts
from app.services.scripts.script_variables import Recipient
from app.services.supervision import audit

MOST_TEXT_CHARACTERS = 1_600  # Twilio's limit for one message
ALL_CLEAR = "all_clear"
# The library in the order of an outage, for the pages.
PLAN_ORDER = ("first_notice", "update", "extended_outage", ALL_CLEAR)


class NoSuchBroadcast(IncidentError):
    status = 404

    def __init__(self, broadcast_id: int) -> None:
        super().__init__(f"There is no broadcast {broadcast_id}.")


@dataclass(frozen=True)
class Created:
    """A broadcast, whom it will reach (no one yet while a job plans it), and its
    script's check and previews."""

    broadcast: Broadcast
    planned: audience.Planned
    report: script_lint.LintReport


def create(
    session: Session,
    incident_id: int,
    text: str = "",
    channel: str = BroadcastChannel.SMS.value,
    tier_waves: bool = False,
    all_clear: bool = False,
    by: User | None = None,
    script: str = "",
    eta: str = "",
    quiet_hours: bool | None = None,
    hold_while_wait: int | None = None,
    in_background: bool = False,
) -> Created:
    """Plan a broadcast about the incident of a library ``script`` or the supervisor's own
    ``text`` (one of them): the script is linted (``LintRefused`` with every error, before
    anything is written), the broadcast written ``planning``, then its audience is
    written, counted, and previewed for a few of its recipients (``planning.run``: refused
    if one of them breaks it, ``LintRefused`` again). Nothing is sent. Commits.

    ``in_background``: the web's way. The audience is planned by a job on the
    ``broadcasts`` queue, and what is returned has none yet; ``QueueUnreachable`` (nothing
    written) if Redis does not answer. ``hold_while_wait``: seconds; each wave after the
    first waits while the queues' estimated wait is above it (``load_hold``)."""
    from app.services.broadcasts import planning  # planning reads broadcasts: no cycle

    incident = get(session, incident_id)
    _check_hold(hold_while_wait)
    chosen = _script(script, text)
    # The all clear goes only to those told before: whichever way it was asked for.
    all_clear = all_clear or chosen.name == ALL_CLEAR
    try:
        kind = BroadcastChannel(channel)
    except ValueError:
        raise IncidentError(f"A broadcast goes by sms or voice, not {channel!r}.") from None
    checked = script_lint.lint(chosen, base_url=_base_url())
    _refuse_if_broken(checked)
    if in_background:
        planning.check_queue()
    broadcast = Broadcast(
        incident_id=incident.id,
        channel=kind,
        script=script.strip() if script.strip() else "",
        text=(text or "").strip() if not script.strip() else "",
        state=BroadcastState.PLANNING,
        options={
            "tier_waves": tier_waves,
            "all_clear": all_clear,
            "eta": eta.strip(),
            # Urgent (a critical incident) goes day and night unless told otherwise.
            "quiet_hours": incident.severity is not Severity.CRITICAL
            if quiet_hours is None
            else quiet_hours,
            "hold_while_wait": hold_while_wait or None,
        },
        created_by=by.name if by is not None else "command line",
    )
    session.add(broadcast)
    session.flush()
    planning.beat(broadcast.id)  # being planned: the sweep must not take it for stuck
    audit.record(
        by,
        "broadcast.create",
        f"broadcast {broadcast.id} of incident {incident.id}",
        channel=kind.value,
        tier_waves=tier_waves,
        all_clear=all_clear,
        hold_while_wait=hold_while_wait or None,
    )
    session.commit()
    if in_background:
        planning.enqueue_or_leave(broadcast.id)
        return Created(broadcast, audience.Planned(0, 0), checked)
    made = planning.run(session, broadcast.id)
    if made is None:  # only if this process lost its heartbeat for a minute
        raise IncidentError(
            f"Broadcast {broadcast.id} was planned by a worker meanwhile: "
            f"see helpline broadcast status {broadcast.id}."
        )
    _refuse_if_broken(made.report)
    return made


MOST_HOLD_SECONDS = 3600


def _check_hold(seconds: int | None) -> None:
    if seconds is not None and not 0 <= seconds <= MOST_HOLD_SECONDS:
        raise IncidentError(
            f"Hold while the wait is above 1 to {MOST_HOLD_SECONDS} seconds, not {seconds}."
        )


class LintRefused(IncidentError):
    """The script has errors: nothing may be sent. ``report`` says each one, and where."""

    def __init__(self, report: script_lint.LintReport) -> None:
        problems = "; ".join(str(p) for p in report.errors)
        super().__init__(f"The message cannot be sent: {problems}")
        self.report = report


def script_of(broadcast: Broadcast) -> scripts.Script:
    """The broadcast's script: the library's by name, or its own text."""
    return (
        scripts.script_named(broadcast.script)
        if broadcast.script
        else scripts.ad_hoc(broadcast.text)
    )


def recipient_of(
    incident: Incident, customer: Customer | None, language: str, eta: str = ""
) -> Recipient:
    """A delivery's recipient for rendering; a subscriber we hold no record of is a
    nameless customer in the language they wrote in."""
    who = customer or Customer(name="", phone="", language=language, region="", timezone="UTC")
    return script_variables.recipient(incident, who, _base_url(), eta or None)


def _script(name: str, text: str) -> scripts.Script:
    if bool((name or "").strip()) == bool((text or "").strip()):
        raise IncidentError("Give the message as a script's name or as text (one of them).")
    body = (text or "").strip()
    if len(body) > MOST_TEXT_CHARACTERS:
        raise IncidentError(
            f"The message is {len(body):,} characters; at most {MOST_TEXT_CHARACTERS:,}."
        )
    try:
        return scripts.script_named(name) if name.strip() else scripts.ad_hoc(body)
    except scripts.ScriptError as error:
        raise IncidentError(str(error)) from None


def _held(broadcast: Broadcast) -> dict[str, Any] | None:
    if broadcast.state is not BroadcastState.SENDING or load_hold.threshold_of(broadcast) is None:
        return None
    return load_hold.held(broadcast.id)


def _refuse_if_broken(report: script_lint.LintReport) -> None:
    if not report.ok:
        raise LintRefused(report)


def _base_url() -> str:
    return str(current_app.config["PUBLIC_BASE_URL"]) if has_app_context() else ""


def find(session: Session, broadcast_id: int) -> Broadcast:
    """The broadcast; ``NoSuchBroadcast`` if there is none."""
    found = session.scalars(select(Broadcast).where(Broadcast.id == broadcast_id)).first()
    if found is None:
        raise NoSuchBroadcast(broadcast_id)
    return found


def of_incident(session: Session, incident_id: int) -> list[Broadcast]:
    """The incident's broadcasts, newest first."""
    query = select(Broadcast).where(Broadcast.incident_id == incident_id)
    return list(session.scalars(query.order_by(Broadcast.id.desc())))


def status(session: Session, broadcast_id: int) -> dict[str, Any]:
    """Where the broadcast stands: its state, audience, and deliveries by state."""
    broadcast = find(session, broadcast_id)
    by_state = audience.counts(session, broadcast.id)
    out = by_state["sent"] + by_state["delivered"] + by_state["failed"] + by_state["skipped"]
    rate = eta = None
    if broadcast.started_at is not None:
        until = broadcast.finished_at or utcnow()
        seconds = max((until - broadcast.started_at).total_seconds(), 1e-3)
        rate = round(out / seconds, 2)
        left = by_state["pending"] + by_state["claimed"]
        eta = round(left / rate, 1) if rate and left else (0.0 if not left else None)
    return {
        "id": broadcast.id,
        "incident_id": broadcast.incident_id,
        "channel": broadcast.channel.value,
        "state": broadcast.state.value,
        "audience": broadcast.audience,
        **by_state,
        "rate_per_second": rate,
        "eta_seconds": eta,
        "options": dict(broadcast.options or {}),
        # Why the next wave waits for the queues (load_hold), while it does.
        "held": _held(broadcast),
        "message": broadcast.script or broadcast.text,
        "created_at": broadcast.created_at.isoformat(timespec="seconds"),
        **(answers(session, broadcast.id) if broadcast.channel is BroadcastChannel.VOICE else {}),
    }


def answers(session: Session, broadcast_id: int) -> dict[str, int]:
    """A voice broadcast's calls by who answered: a person (or a silent line), a machine
    (which got the message after its beep), and how many people pressed 0 for one of ours."""
    who = Delivery.answered_by
    row = session.execute(
        select(
            func.count().filter(who.in_(("human", "unknown"))),
            func.count().filter(who.like("machine%")),
            func.count().filter(Delivery.asked_for_person.is_(True)),
        ).where(Delivery.broadcast_id == broadcast_id)
    ).one()
    return {
        "answered_by_person": int(row[0]),
        "answered_by_machine": int(row[1]),
        "asked_for_person": int(row[2]),
    }
