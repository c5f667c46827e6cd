"""What the bot texts back, in English and Spanish; and a guess at a texter's language."""

from __future__ import annotations

import re

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "help": "Helpline: text your question and we'll answer, or AGENT for a person. "
        "Call {number} any time. Reply STOP to stop texts.",
        "opted_out": "You're unsubscribed and will get no more texts from us. "
        "Reply START to subscribe again.",
        "opted_in": "You're subscribed again. Reply STOP to unsubscribe, HELP for help.",
        "queued": "Thanks, a person will text you back here shortly. "
        "For anything urgent call {number}.",
        "still_queued": "Got it, it's in your thread: a person will text you back shortly.",
        "no_agent": "Sorry, nobody can text back right now. Please call {number} "
        "to talk to a person.",
        "prompt": "Reply YES if this solved it, AGENT for a person",
        "solved": "Great, glad that helped! Text us any time.",
        "status_subscribed": "You will get Northwind status updates by text. Reply STOP to stop.",
        "empty": "We got an empty message. Text us your question, or AGENT for a person. "
        "You can also call {number}.",
        "closed": "This conversation is closed. Text us again any time.",
        "no_words": "Thanks! Please text your question in words, or AGENT for a person. "
        "You can also call {number}.",
    },
    "es": {
        "help": "Helpline: escríbanos su pregunta y le respondemos, o AGENTE para hablar con "
        "una persona. Llame al {number}. Responda PARAR para no recibir mensajes.",
        "opted_out": "Se ha dado de baja y no recibirá más mensajes nuestros. "
        "Responda INICIAR para volver a darse de alta.",
        "opted_in": "Se ha dado de alta de nuevo. Responda PARAR para darse de baja.",
        "queued": "Gracias, una persona le responderá por aquí en breve. "
        "Si es urgente, llame al {number}.",
        "still_queued": "Recibido, está en su conversación: una persona le responderá en breve.",
        "no_agent": "Lo sentimos, ahora nadie puede responder mensajes. Llame al {number} "
        "para hablar con una persona.",
        "prompt": "Responda SI si esto lo resolvió, AGENTE para hablar con una persona",
        "solved": "¡Qué bien que le ayudó! Escríbanos cuando quiera.",
        "status_subscribed": "Recibirá por mensaje de texto las novedades del servicio de "
        "Northwind. Responda PARAR para no recibirlas.",
        "empty": "Recibimos un mensaje vacío. Escríbanos su pregunta, o AGENTE para hablar "
        "con una persona. También puede llamar al {number}.",
        "closed": "Esta conversación está cerrada. Escríbanos cuando quiera.",
        "no_words": "¡Gracias! Escríbanos su pregunta con palabras, o AGENTE para hablar con "
        "una persona. También puede llamar al {number}.",
    },
}

_SPANISH_MARKS = re.compile(r"[¿¡ñÑáíóúÁÍÓÚ]")
_SPANISH_WORDS = frozenset(
    "hola gracias por favor necesito quiero cómo como qué que mi factura pago cuenta ayuda "
    "tengo puedo dónde donde cuándo cuando luz servicio no funciona internet teléfono "
    "el la los las una un es está esta para con de del".split()
)
_ENGLISH_WORDS = frozenset(
    "hello hi thanks please need want how what my bill payment account help have can "
    "where when power service not working internet phone the a an is for with of to".split()
)


def text(name: str, language: str, **values: str) -> str:
    """The reply ``name`` in ``language`` (English if we do not speak it)."""
    return TEXTS.get(language, TEXTS["en"])[name].format(**values)


def guess_language(body: str, default: str = "en") -> str:
    """Spanish if the text reads as Spanish, English if as English, else ``default``."""
    if _SPANISH_MARKS.search(body):
        return "es"
    words = re.findall(r"[a-záéíóúñü]+", body.lower())
    spanish = sum(word in _SPANISH_WORDS for word in words)
    english = sum(word in _ENGLISH_WORDS for word in words)
    if spanish > english:
        return "es"
    if english > spanish:
        return "en"
    return default
