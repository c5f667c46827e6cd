"""Lint and preview: what a supervisor sees before sending a script. Errors stop a send
(no offer of a person, a link read aloud, more than 10 segments, a recipient missing a
variable); warnings ask for a second look (more than 2 segments, no STOP)."""

from __future__ import annotations

import json

import pytest

from app.services.scripts.scripts import ScriptError, ad_hoc, render_sms, render_voice
from app.services.texting.segments import GSM7, UCS2
from tests.unit.incidents.scripts_support import (
    GOOD_SMS,
    errors_of,
    lint,
    recipient,
    script,
    warnings_of,
)


def test_a_good_script_lints_clean_and_previews_each_sample_in_their_language():
    report = lint(script(), [recipient("en"), recipient("es", first_name="José")])

    assert report.ok and report.errors == () and report.warnings == ()
    [english, spanish] = report.previews
    assert english.sms == "Northwind: Ana, your internet is down. Reply STOP to opt out."
    assert english.voice == "Hello Ana, your internet is down. Press 0 to speak to a person."
    assert spanish.voice == (
        "Hola José, su internet no funciona. Oprima 0 para hablar con una persona."
    )


def test_a_voice_version_without_the_offer_of_a_person_may_not_be_sent():
    report = lint(script(es_voice="Hola {{ first_name }}, su {{ service }} no funciona."))

    assert errors_of(report) == [
        "test_script, Spanish voice: A call must end by offering a person: "
        "'Oprima 0 para hablar con una persona.'."
    ]


def test_the_offer_of_a_person_must_come_last_not_somewhere_in_the_middle():
    middle = "Press 0 to speak to a person. Goodbye {{ first_name }}."

    report = lint(script(en_voice=middle))

    assert "English voice: A call must end by offering a person" in errors_of(report)[0]


def test_a_voice_version_too_long_is_cut_and_the_lost_offer_is_explained():
    long_voice = "Your {{ service }} is down. " * 60 + "Press 0 to speak to a person."

    report = lint(script(en_voice=long_voice))

    [error] = errors_of(report)
    assert "at most 1000 characters: the end was cut off" in error


def test_a_link_is_never_read_aloud():
    report = lint(script(en_voice="See {{ status_link }}. Press 0 to speak to a person."))

    [error] = errors_of(report)
    assert error.startswith("test_script, English voice, line 1: A link cannot be heard")
    [preview] = report.previews[:1]
    assert "http" not in preview.voice and "/status" not in preview.voice


def test_a_link_typed_into_a_voice_version_is_an_error():
    report = lint(script(en_voice="See www.example.com/x today. Press 0 to speak to a person."))

    assert errors_of(report) == [
        "test_script, English voice, line 1: A link cannot be heard: say 'see our status page' "
        "instead of 'www.example.com/x'."
    ]


def test_a_text_over_two_segments_is_warned_and_over_ten_is_refused():
    three = script(en_sms="{{ first_name }} " + "x" * 320 + " Reply STOP")
    eleven = script(en_sms="{{ first_name }} " + "x" * 1600 + " Reply STOP")

    warned, refused = lint(three), lint(eleven)

    assert warned.ok
    assert warnings_of(warned) == [
        "test_script, English SMS: The text is 3 segments (GSM-7) for a typical recipient "
        "(en); more than 2 costs more."
    ]
    assert errors_of(refused) == [
        "test_script, English SMS: The text is 11 segments (GSM-7) for a typical recipient "
        "(en); at most 10 may be sent."
    ]


@pytest.mark.parametrize("character", ["😀", "中"])
def test_an_emoji_or_a_chinese_character_makes_the_text_ucs2_and_the_report_says_which(
    character,
):
    report = lint(script(en_sms=f"{character} " + GOOD_SMS + " Thanks for your patience!"))

    english = next(size for size in report.sms if size.language == "en")
    assert (english.encoding, english.segments, english.unicode_because) == (UCS2, 2, character)
    assert report.warnings == ()  # 2 segments: counted, not warned


def test_a_long_text_made_ucs2_by_one_emoji_is_warned_with_the_culprit():
    report = lint(script(en_sms="😀 " + GOOD_SMS + " Thanks for your patience." * 4))

    [warning] = warnings_of(report)
    assert "segments (UCS-2)" in warning
    assert "'😀' makes it UCS-2 (70 characters a segment, not 160)" in warning


def test_spanish_letters_stay_gsm7_enie_as_it_is_and_accents_gsm7_lacks_made_plain():
    spanish = script(es_sms="{{ first_name }}: ¿Año nuevo? Está aquí, más rápido. Responda STOP")

    text = render_sms(spanish, recipient("es", first_name="María Peña"))

    assert text == "Maria Peña: ¿Año nuevo? Esta aqui, mas rapido. Responda STOP"
    es = next(size for size in lint(spanish).sms if size.language == "es")
    assert (es.encoding, es.segments) == (GSM7, 1)


def test_a_recipient_missing_a_variable_is_an_error_naming_them():
    report = lint(script(es_sms="{{ update }} Responda STOP"), [recipient("es")])

    assert "for Ana (es): test_script, Spanish SMS: The recipient has no 'update'." in (
        errors_of(report)
    )


def test_update_used_without_asking_whether_there_is_one_is_warned():
    report = lint(script(en_sms="{{ update }} Reply STOP"))

    assert report.ok
    assert "'update' is used outside {% if update is defined %}" in warnings_of(report)[0]


def test_a_text_that_does_not_say_how_to_stop_is_warned():
    report = lint(script(es_sms="Hola {{ first_name }}."))

    assert warnings_of(report) == [
        "test_script, Spanish SMS: The text does not say how to stop texts "
        "(e.g. 'Reply STOP to opt out')."
    ]


def test_an_empty_version_may_not_be_sent():
    report = lint(script(en_sms="  "))

    assert "test_script, English SMS: The text is empty." in errors_of(report)


def test_the_report_reads_as_json():
    report = lint(script(en_voice="Hi."), [recipient("en")])

    shown = json.loads(json.dumps(report.as_dict()))

    assert shown["ok"] is False and shown["script"] == "test_script"
    assert shown["previews"][0]["voice"] == "Hi."
    assert {size["language"]: size["encoding"] for size in shown["sms"]} == {"en": GSM7, "es": GSM7}


def test_ad_hoc_text_is_texted_as_typed_and_called_without_link_or_stop_offering_a_person():
    typed = ad_hoc(
        "Storm damage in Boston: crews are out. Details: https://helpline.example.com/status "
        "Reply STOP to opt out"
    )

    report = lint(typed, [recipient("en"), recipient("es")])

    assert report.ok and typed.name == "ad_hoc"
    en, es = report.previews
    assert (
        en.sms
        == es.sms
        == (
            "Storm damage in Boston: crews are out. Details: https://helpline.example.com/status "
            "Reply STOP to opt out"
        )
    )
    assert en.voice == "Storm damage in Boston: crews are out. Press 0 to speak to a person."
    assert es.voice == (
        "Storm damage in Boston: crews are out. Oprima 0 para hablar con una persona."
    )


def test_ad_hoc_text_is_linted_the_same_way():
    report = lint(ad_hoc("Hi {{ first_name }, we are on it {{ config }}"))

    assert not report.ok
    assert "test_script" not in repr(report.as_dict())
    assert errors_of(report)[0].startswith("ad_hoc, English SMS, line 1: The template does not")


def test_ad_hoc_text_that_already_offers_a_person_is_not_offered_twice():
    typed = ad_hoc("Outage in Boston. Press 0 to speak to a person.")

    assert render_voice(typed, recipient("en")) == "Outage in Boston. Press 0 to speak to a person."


def test_empty_ad_hoc_text_is_refused_plainly():
    with pytest.raises(ScriptError, match="The message is empty."):
        ad_hoc("   ")
