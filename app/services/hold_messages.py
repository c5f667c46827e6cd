"""What callers hear while holding, leaving a queue and being connected, in each language."""

from __future__ import annotations

MESSAGES = {
    "en": {
        "position": "Thank you for waiting. You are number {position} in line.",
        "too_long": "We're sorry for the wait. Connecting you to the next available person.",
        "thanks_message": "Thank you. We have your message and will call you back.",
        "goodbye": "Thank you for calling. Goodbye.",
        "estimate": "Your estimated wait is about {minutes} minutes.",
        "estimate_one": "Your estimated wait is about one minute.",
        "soon": "Someone will be with you in a moment.",
        "offer_callback": "To keep your place in line and have us call you back, press 1.",
        "callback_kept": "Thank you. You keep your place in line, and we will call you back "
        "at the number you are calling from.",
        "overflow": "We're connecting you with another team who can help.",
        "to_fallback": "Please hold while we connect you to a person.",
        "leave_message": "Sorry, nobody could answer. Please leave your name, number and a "
        "short message after the tone, and we will call you back.",
        "calling_back": "We didn't get a message, so we will call you back at the number you "
        "are calling from as soon as someone is free. Goodbye.",
        "no_way_back": "We didn't get a message, and we can't call back a withheld number. "
        "Please call us again. Goodbye.",
        "connecting": "Connecting you now.",
        "agent_missed": "Sorry, that agent is not available. You keep your place in line.",
        "callback_hello": "Hello, we're returning your call. Please hold for a moment.",
        "callback_missed": "Sorry, we could not connect you. We will call you back shortly.",
    },
    "es": {
        "position": "Gracias por esperar. Usted es el número {position} en la fila.",
        "too_long": "Disculpe la espera. Le comunicamos con la próxima persona disponible.",
        "thanks_message": "Gracias. Recibimos su mensaje y le llamaremos.",
        "goodbye": "Gracias por llamar. Adiós.",
        "estimate": "Su tiempo de espera estimado es de unos {minutes} minutos.",
        "estimate_one": "Su tiempo de espera estimado es de un minuto, más o menos.",
        "soon": "Alguien le atenderá en un momento.",
        "offer_callback": "Para conservar su lugar en la fila y que le llamemos, oprima 1.",
        "callback_kept": "Gracias. Conserva su lugar en la fila y le llamaremos al número "
        "desde el que llama.",
        "overflow": "Le comunicamos con otro equipo que le puede ayudar.",
        "to_fallback": "Por favor espere mientras le comunicamos con una persona.",
        "leave_message": "Disculpe, nadie pudo contestar. Deje su nombre, número y un breve "
        "mensaje después del tono, y le llamaremos.",
        "calling_back": "No recibimos ningún mensaje, así que le llamaremos al número desde el "
        "que llama en cuanto alguien esté libre. Adiós.",
        "no_way_back": "No recibimos ningún mensaje y no podemos llamar a un número oculto. "
        "Por favor, vuelva a llamarnos. Adiós.",
        "connecting": "Le comunicamos ahora.",
        "agent_missed": "Disculpe, ese agente no está disponible. Conserva su lugar en la fila.",
        "callback_hello": "Hola, le devolvemos su llamada. Por favor, espere un momento.",
        "callback_missed": "Disculpe, no pudimos comunicarle. Le volveremos a llamar en breve.",
    },
}


def say_text(language: str, key: str, **values: object) -> str:
    """Message ``key`` in ``language`` (English when the language has none), filled in."""
    return MESSAGES.get(language, MESSAGES["en"])[key].format(**values)
