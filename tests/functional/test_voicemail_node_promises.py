"""A voicemail node's prompt may promise a call back: a caller whose number the callback
policy refuses hears the node's ``no_callback_prompt`` instead, in their language."""

from __future__ import annotations

import pytest

from tests.functional.callbacks import PREMIUM
from tests.functional.voice import CLOSED, MAIN_LINE, gather_action, says, spoken, twiml
from tests.support import call_params

THE_PROMISE = "We'll call you back on the next business day."
LA_PROMESA = "Le llamaremos el siguiente día hábil."


def at_the_after_hours_voicemail(app, twilio_post, phone: str, language: str = "1"):  # type: ignore[no-untyped-def]
    """A caller on the closed main line who chooses a language, then 2 (leave a message)."""
    app.config["CLOCK"] = lambda: CLOSED
    params = call_params(To=MAIN_LINE, From=phone)
    first = twiml(twilio_post("/voice/incoming", params))
    menu = twiml(twilio_post(gather_action(first), {**params, "Digits": language}))
    return twiml(twilio_post(gather_action(menu), {**params, "Digits": "2"}))


def test_a_caller_we_can_call_back_hears_the_voicemail_nodes_promise(app, twilio_post):
    root = at_the_after_hours_voicemail(app, twilio_post, "+14155550123")

    assert THE_PROMISE in spoken(root)
    assert root.find("Record") is not None


@pytest.mark.parametrize("phone", [PREMIUM, "+266696687", MAIN_LINE])
def test_a_caller_we_cannot_call_back_is_not_promised_a_call_before_the_tone(
    app, twilio_post, phone
):
    root = at_the_after_hours_voicemail(app, twilio_post, phone)

    assert THE_PROMISE not in spoken(root)
    assert spoken(root).startswith("Please leave your name, your account number if you have it")
    assert root.find("Record") is not None


def test_a_spanish_caller_we_cannot_call_back_hears_the_spanish_prompt_without_the_promise(
    app, twilio_post
):
    root = at_the_after_hours_voicemail(app, twilio_post, PREMIUM, language="2")

    assert LA_PROMESA not in spoken(root)
    assert says(root)[0] == (
        "es-US",
        "Por favor, deje su nombre, su número de cuenta si lo tiene y un breve mensaje "
        "después del tono.",
    )
