"""TwiML of a broadcast call, by pure functions: what a person, a machine or a fax hears."""

from __future__ import annotations

from twilio.twiml.voice_response import VoiceResponse

from app.twilio.ivr_twiml import locale

GATHER_SECONDS = 6  # after the message, time to press 0 before it is said again or ends
# What a person hears around the message, in the languages scripts are written in.
WORDS = {
    "en": {
        "again": "Here is the message again.",
        "goodbye": "Thank you. Goodbye.",
        "call_us": "To speak to a person, call us at {number}.",
    },
    "es": {
        "again": "Le repetimos el mensaje.",
        "goodbye": "Gracias. Adiós.",
        "call_us": "Para hablar con una persona, llámenos al {number}.",
    },
}


def words(language: str, key: str, **values: str) -> str:
    """A fixed sentence of the call in ``language`` (English if it has none), filled in."""
    return (WORDS.get(language) or WORDS["en"])[key].format(**values)


def offer_a_person(message: str, language: str, action: str, before: str = "") -> str:
    """The message, which ends by offering a person on 0, inside a one-key Gather that
    posts the key (or nothing) to ``action``."""
    response = VoiceResponse()
    gather = response.gather(
        input="dtmf",
        num_digits=1,
        action=action,
        method="POST",
        action_on_empty_result=True,
        timeout=GATHER_SECONDS,
    )
    if before:
        gather.say(before, language=locale(language))
    gather.say(message, language=locale(language))
    response.redirect(action, method="POST")  # should the Gather not post, the same
    return str(response)


def leave_a_message(message: str, language: str) -> str:
    """An answering machine after its beep: the message, then hang up."""
    response = VoiceResponse()
    response.say(message, language=locale(language))
    response.hangup()
    return str(response)


def goodbye(language: str) -> str:
    """Thank them and hang up."""
    response = VoiceResponse()
    response.say(words(language, "goodbye"), language=locale(language))
    response.hangup()
    return str(response)


def hang_up() -> str:
    """End the call, saying nothing (a fax machine)."""
    response = VoiceResponse()
    response.hangup()
    return str(response)


def spoken_number(number: str) -> str:
    """A phone number read digit by digit in groups (+15558675310: "5 5 5, 8 6 7, 5 3 1 0"),
    never as one large number."""
    digits = "".join(c for c in number if c.isdigit())
    if len(digits) == 11 and digits.startswith("1"):  # North America: 3, 3, 4
        digits = digits[1:]
    if len(digits) == 10:
        groups = [digits[:3], digits[3:6], digits[6:]]
    else:
        groups = [digits[i : i + 3] for i in range(0, len(digits), 3)]
    return ", ".join(" ".join(group) for group in groups)
