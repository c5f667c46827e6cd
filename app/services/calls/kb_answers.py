"""The IVR's ``kb_answer`` node answering by voice from the community knowledge base.

The flow engine hands over the caller's spoken question (``KbAnswer``) and goes on to the
node's ``unanswered`` path. Before that path is taken, the question is searched: when an
answer is confident enough (``KB_DEFLECT_THRESHOLD``), it is spoken (shortened, no Markdown,
no addresses read aloud), then "Was that what you needed? Say yes, or press 1; press 2 for
the link by text; 0 for a person". Yes ends the call, thanked; the link is texted (unless
the number opted out) and the call ends; anything else, silence included, takes the
node's ``unanswered`` path to people, as if no answer had been found. Every answer given is
a deflection (channel voice) with its outcome, which the search learns from.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app, url_for
from twilio.twiml.voice_response import VoiceResponse

from app.extensions import db
from app.models import Deflection, DeflectionChannel, DeflectionOutcome
from app.services.calls import calls
from app.services.calls.hold_messages import say_text
from app.services.calls.kb_speech import speakable
from app.services.texting import answers, conversations, deflection, sending
from app.twilio.ivr_twiml import locale
from app.twilio.state import decode_state, encode_state
from ivr_flows import KbAnswer, Say, Step
from ivr_flows.context import CallerReply
from ivr_flows.languages import words

log = logging.getLogger(__name__)

# What the caller may say for "yes, that was it", by language.
YES = {
    "en": ("yes", "yeah", "yep", "correct", "it did", "that's it", "sure"),
    "es": ("sí", "si", "claro", "correcto", "así es", "eso es"),
}
_KB_KEYS = ("kq", "kd", "ku", "kl", "kv")  # what the answered step adds to the call's state


@dataclass(frozen=True)
class Asked:
    """The question the caller asked, in which language, and the voice the flow speaks in."""

    question: str
    language: str
    voice: str | None


@dataclass(frozen=True)
class AfterAnswer:
    """What follows the caller's word on an answer: TwiML to send, or the flow's way to
    people (its token and form, to resume the flow as if nothing had been found)."""

    twiml: str | None = None
    token: str = ""
    form: Mapping[str, str] | None = None
    before: str = ""  # said first on the way to people
    language: str = "en"


def question_in(step: Step) -> Asked | None:
    """The knowledge-base question a step hands over, if it has one."""
    asked = next((a for a in step.actions if isinstance(a, KbAnswer)), None)
    if asked is None or not asked.question.strip():
        return None
    said = next((a for a in step.actions if isinstance(a, Say)), None)
    return Asked(asked.question, asked.language, said.voice if said else None)


def answer(
    payload: Mapping[str, Any],
    asked: Asked,
    form: Mapping[str, str],
    record: tuple[int | None, str, str, str],
) -> str | None:
    """Speak a confident answer to ``asked`` and ask whether it helped; None when there is
    none (the flow goes on to people). ``payload`` is the state the question came with;
    ``record`` the call's interaction id, flow, node and webhook key, for its trail."""
    voice = DeflectionChannel.VOICE
    found = answers.confident_answer(db.session, asked.question, asked.language, voice)
    if found is None:
        return None  # the flow's commit keeps the question as one nobody answered
    interaction_id, flow_id, node_id, step_key = record
    given = deflection.start(
        db.session,
        form.get("From", ""),
        asked.question,
        found,
        channel=DeflectionChannel.VOICE,
    )
    db.session.flush()
    if interaction_id is not None:
        detail = f"question {found.question_id}, confidence {found.score:.2f}"
        event = (node_id, "kb_answer", detail)
        calls.record_steps(db.session, interaction_id, flow_id, [event], step_key)
    db.session.commit()
    state = {**payload, "kq": asked.question, "kd": given.id, "ku": found.url_path}
    token = encode_state({**state, "kl": asked.language, "kv": asked.voice or ""})
    return _spoken(found.answer, token, asked.language, asked.voice)


def after_answer(token: str, form: Mapping[str, str], reply: CallerReply) -> AfterAnswer:
    """The caller's word on the answer they heard: thanked, texted the link, or on to people."""
    payload = decode_state(token)
    language, voice = str(payload.get("kl", "en")), str(payload.get("kv", "")) or None
    given = _deflection(payload.get("kd"))
    choice = _choice(reply, language)
    if choice == "yes":
        _decide(given, DeflectionOutcome.SOLVED)
        return AfterAnswer(twiml=_goodbye("kb_thanks", language, voice))
    if choice == "text" and _text_link(form, str(payload.get("ku", "")), language):
        db.session.commit()
        return AfterAnswer(twiml=_goodbye("kb_texted", language, voice))
    before = say_text(language, "kb_not_texted") if choice == "text" else ""
    heard_nothing = not (reply.digits or reply.speech)
    _decide(given, DeflectionOutcome.NO_REPLY if heard_nothing else DeflectionOutcome.ASKED_PERSON)
    original = {key: value for key, value in payload.items() if key not in _KB_KEYS}
    question = str(payload.get("kq", ""))
    # The flow goes on from where the question was asked, as if nothing had been found.
    resumed = {**form, "Digits": "", "SpeechResult": question, "Confidence": "1"}
    return AfterAnswer(token=encode_state(original), form=resumed, before=before, language=language)


def said_first(text: str, document: str, language: str) -> str:
    """``document`` (TwiML) with ``text`` said before everything else in it."""
    if not text:
        return document
    response = VoiceResponse()
    response.say(text, language=locale(language))
    said = str(response).split("<Response>", 1)[1].rsplit("</Response>", 1)[0]
    return document.replace("<Response>", "<Response>" + said, 1)


def _spoken(text: str, token: str, language: str, voice: str | None) -> str:
    response = VoiceResponse()
    said = {"language": locale(language), **({"voice": voice} if voice else {})}
    response.say(say_text(language, "kb_intro"), **said)
    response.say(speakable(text), **said)
    action = url_for("voice.kb_answered", s=token)
    gather = response.gather(
        input="dtmf speech",
        num_digits=1,
        timeout=5,
        speech_timeout="auto",
        action=action,
        method="POST",
        language=locale(language),
        hints=", ".join(YES.get(language, YES["en"])),
    )
    gather.say(say_text(language, "kb_confirm"), **said)
    response.redirect(action, method="POST")  # silence: on to a person
    return str(response)


def _goodbye(key: str, language: str, voice: str | None) -> str:
    response = VoiceResponse()
    said = {"language": locale(language), **({"voice": voice} if voice else {})}
    response.say(say_text(language, key), **said)
    response.hangup()
    return str(response)


def _choice(reply: CallerReply, language: str) -> str:
    """``yes``, ``text`` (the link by text) or ``person``."""
    if reply.digits:
        return {"1": "yes", "2": "text"}.get(reply.digits[:1], "person")
    heard = " ".join(words(reply.speech))
    if not heard:
        return "person"
    yes_words = (*YES.get(language, ()), *YES["en"])
    if any(heard == word or heard.startswith(f"{word} ") for word in yes_words):
        return "yes"
    return "person"


def _deflection(deflection_id: object) -> Deflection | None:
    if not isinstance(deflection_id, int):
        return None
    return db.session.get(Deflection, deflection_id)


def _decide(given: Deflection | None, outcome: DeflectionOutcome) -> None:
    if given is not None and given.outcome is DeflectionOutcome.PENDING:
        deflection.decide(db.session, given, outcome)
    db.session.commit()


def _text_link(form: Mapping[str, str], path: str, language: str) -> bool:
    """Text the answer's page to the caller, who asked for it (unless the number opted out
    or cannot take texts); whether it was sent."""
    phone = form.get("From", "")
    if not phone.startswith("+") or not path:
        return False
    link = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path
    our_number = form.get("To", "")
    conversation = conversations.find_or_start(db.session, phone, our_number, language, None)
    try:
        sending.send(db.session, conversation, link)
    except sending.NotSent as refused:
        log.info("the answer's link was not texted: %s", refused.reason)
        db.session.commit()  # what the refusal taught about the number
        return False
    return True
