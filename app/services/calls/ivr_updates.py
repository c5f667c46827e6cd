"""The IVR's ``subscribe_updates`` nodes: each SubscribeUpdates a flow hands over signs the
caller up for the touching incident's texts (``call_subscriptions``) and becomes what the
caller hears: the node's prompt once the subscription exists, else why not. Whatever
happens (the database or Twilio failing included) the call goes on where the flow goes.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace

import phonenumbers
from flask import current_app
from requests import RequestException
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.services.calls import calls
from app.services.incidents import front_door
from app.services.incidents.call_subscriptions import Outcome, subscribe_caller
from ivr_flows import Caller, Say, Step, SubscribeUpdates

log = logging.getLogger(__name__)

# What a caller hears when they are not signed up, by language (English when it has none).
WORDS = {
    "en": {
        Outcome.OPTED_OUT: "This number has opted out of our text messages, so we won't text "
        "it. To get our texts again, text START to {number}, then call us back.",
        Outcome.UNTEXTABLE: "Sorry, we can't send text messages to the number you're calling from.",
        Outcome.NO_INCIDENT: "There are no outage updates to send right now.",
        Outcome.UNAVAILABLE: "Sorry, we couldn't sign you up for text updates just now. "
        "Please try again later.",
    },
    "es": {
        Outcome.OPTED_OUT: "Este número pidió no recibir nuestros mensajes de texto, así que "
        "no le escribiremos. Para volver a recibirlos, envíe START al {number} y vuelva a "
        "llamarnos.",
        Outcome.UNTEXTABLE: "Disculpe, no podemos enviar mensajes de texto al número desde el "
        "que llama.",
        Outcome.NO_INCIDENT: "No hay novedades del apagón que enviar en este momento.",
        Outcome.UNAVAILABLE: "Disculpe, no pudimos inscribirle para recibir novedades por "
        "texto en este momento. Inténtelo más tarde.",
    },
}
SIGNED_UP = (Outcome.SUBSCRIBED, Outcome.ALREADY)


def sign_up(
    step: Step, params: Mapping[str, str], caller: Caller, record: tuple[int, str, str]
) -> Step:
    """Carry out the step's SubscribeUpdates (commits); ``record`` is the call's
    interaction id, flow and webhook key, for its trail."""
    if not any(isinstance(action, SubscribeUpdates) for action in step.actions):
        return step
    actions = []
    for action in step.actions:
        if isinstance(action, SubscribeUpdates):
            outcome = _subscribe(params, caller, action.language)
            _trail(record, step.state.node_id, outcome)
            action = _heard(action, outcome, params)
        actions.append(action)
    return replace(step, actions=tuple(actions))


def _subscribe(params: Mapping[str, str], caller: Caller, language: str) -> Outcome:
    try:
        incident = front_door.touching(db.session, caller)
        incident_id = incident.id if incident is not None else None
        return subscribe_caller(db.session, params.get("From", ""), incident_id, language)
    except (SQLAlchemyError, RequestException) as exc:  # the call goes on without it
        db.session.rollback()
        log.warning("updates by text not signed up (%s); the call goes on", type(exc).__name__)
        return Outcome.UNAVAILABLE


def _trail(record: tuple[int, str, str], node_id: str, outcome: Outcome) -> None:
    """The outcome on the call's trail; best effort (the call goes on without it)."""
    interaction_id, flow_id, webhook_key = record
    try:
        event = [(node_id, "updates", outcome.value)]
        # A key of its own: the step's events are in already, under the webhook's key.
        key = calls.step_key(f"{webhook_key}/updates")
        calls.record_steps(db.session, interaction_id, flow_id, event, key)
        db.session.commit()
    except SQLAlchemyError as exc:
        db.session.rollback()
        log.warning("the updates outcome was not recorded (%s)", type(exc).__name__)


def _heard(action: SubscribeUpdates, outcome: Outcome, params: Mapping[str, str]) -> Say:
    if outcome in SIGNED_UP:
        return action.confirmation
    words = WORDS.get(action.language, WORDS["en"])
    number = current_app.config["TWILIO_NUMBER"] or params.get("To", "")
    text = words[outcome].format(number=spelled(number))
    return replace(action.confirmation, text=text)


def spelled(number: str) -> str:
    """A number as it is read out: its national digits one by one, in their groups
    ("5 5 5, 8 6 7, 5 3 1 0")."""
    try:
        national = phonenumbers.format_number(
            phonenumbers.parse(number), phonenumbers.PhoneNumberFormat.NATIONAL
        )
    except phonenumbers.NumberParseException:
        national = number
    groups = [g for part in national.replace("-", " ").split() if (g := _digits(part))]
    return ", ".join(" ".join(group) for group in groups)


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())
