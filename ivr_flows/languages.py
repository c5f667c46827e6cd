"""The languages a flow may declare: speech locale, words that reach a human, built-in notices."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    """What the engine knows about one language without being told by the flow file."""

    code: str
    locale: str
    escape_words: tuple[str, ...]
    digit_words: tuple[str, ...]
    no_input: str
    invalid: str
    connecting: str
    unanswered: str
    sorry: str  # something failed: a person is dialled instead
    no_message: str  # a voicemail with nothing recorded: a person is dialled instead
    leave_message: str  # a voicemail's prompt that promises nothing (no call back)


def _language(code: str, locale: str, escape: str, digits: str, *notices: str) -> Language:
    no_input, invalid, connecting, unanswered, sorry, no_message, leave_message = notices
    return Language(
        code,
        locale,
        escape_words=tuple(escape.split(",")),
        digit_words=tuple(digits.split()),
        no_input=no_input,
        invalid=invalid,
        connecting=connecting,
        unanswered=unanswered,
        sorry=sorry,
        no_message=no_message,
        leave_message=leave_message,
    )


LANGUAGES: dict[str, Language] = {
    language.code: language
    for language in (
        _language(
            "en",
            "en-US",
            "agent,representative,operator,person,human,someone,customer service",
            "zero one two three four five six seven eight nine",
            "Sorry, I didn't hear anything.",
            "Sorry, I didn't understand that.",
            "Let me connect you with someone who can help.",
            "I'm sorry, I can't answer that myself yet.",
            "We're sorry, we're having trouble right now. Connecting you to a person.",
            "We didn't get a message. Connecting you to a person.",
            "Please leave your name and a short message after the tone.",
        ),
        _language(
            "es",
            "es-US",
            "agente,representante,operador,operadora,persona,humano,alguien",
            "cero uno dos tres cuatro cinco seis siete ocho nueve",
            "Disculpe, no le escuché.",
            "Disculpe, no le entendí.",
            "Le comunico con alguien que le pueda ayudar.",
            "Lo siento, todavía no puedo responder eso.",
            "Lo sentimos, tenemos un problema en este momento. Le comunicamos con una persona.",
            "No recibimos ningún mensaje. Le comunicamos con una persona.",
            "Por favor, deje su nombre y un breve mensaje después del tono.",
        ),
        _language(
            "fr",
            "fr-FR",
            "agent,conseiller,conseillère,opérateur,opératrice,personne,humain",
            "zéro un deux trois quatre cinq six sept huit neuf",
            "Désolé, je n'ai rien entendu.",
            "Désolé, je n'ai pas compris.",
            "Je vous mets en relation avec quelqu'un qui peut vous aider.",
            "Désolé, je ne peux pas encore répondre à cela.",
            "Désolés, nous avons un problème. Nous vous mettons en relation avec une personne.",
            "Nous n'avons pas reçu de message. Nous vous mettons en relation avec une personne.",
            "Veuillez laisser votre nom et un court message après le signal sonore.",
        ),
        _language(
            "de",
            "de-DE",
            "mitarbeiter,mitarbeiterin,berater,vermittlung,mensch,person,agent",
            "null eins zwei drei vier fünf sechs sieben acht neun",
            "Entschuldigung, ich habe nichts gehört.",
            "Entschuldigung, das habe ich nicht verstanden.",
            "Ich verbinde Sie mit jemandem, der Ihnen helfen kann.",
            "Das kann ich leider noch nicht beantworten.",
            "Entschuldigung, wir haben ein Problem. Wir verbinden Sie mit einer Person.",
            "Wir haben keine Nachricht erhalten. Wir verbinden Sie mit einer Person.",
            "Bitte hinterlassen Sie nach dem Signalton Ihren Namen und eine kurze Nachricht.",
        ),
        _language(
            "pt",
            "pt-BR",
            "atendente,agente,operador,operadora,pessoa,humano,representante",
            "zero um dois três quatro cinco seis sete oito nove",
            "Desculpe, não ouvi nada.",
            "Desculpe, não entendi.",
            "Vou transferir você para alguém que possa ajudar.",
            "Desculpe, ainda não consigo responder isso.",
            "Desculpe, estamos com um problema no momento. Vamos transferir você para uma pessoa.",
            "Não recebemos nenhuma mensagem. Vamos transferir você para uma pessoa.",
            "Por favor, deixe seu nome e uma breve mensagem após o sinal.",
        ),
        _language(
            "it",
            "it-IT",
            "operatore,operatrice,agente,persona,rappresentante",
            "zero uno due tre quattro cinque sei sette otto nove",
            "Mi scusi, non ho sentito nulla.",
            "Mi scusi, non ho capito.",
            "La metto in contatto con qualcuno che può aiutarla.",
            "Mi dispiace, non posso ancora rispondere.",
            "Ci scusi, abbiamo un problema. La mettiamo in contatto con una persona.",
            "Non abbiamo ricevuto nessun messaggio. La mettiamo in contatto con una persona.",
            "Lasci il suo nome e un breve messaggio dopo il segnale acustico.",
        ),
    )
}


def words(text: str) -> tuple[str, ...]:
    """Lower-case words without accents or punctuation, so "Agénte!" matches "agente"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return tuple("".join(c if c.isalnum() else " " for c in plain).split())


def find_phrase(utterance: Sequence[str], phrase: Sequence[str]) -> int:
    """Index of the first place ``phrase`` occurs as whole words in ``utterance``, or -1."""
    size = len(phrase)
    if size == 0:
        return -1
    for start in range(len(utterance) - size + 1):
        if tuple(utterance[start : start + size]) == tuple(phrase):
            return start
    return -1
