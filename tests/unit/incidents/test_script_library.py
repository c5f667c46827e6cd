"""The disaster plan's ready scripts: each lints clean, fits a typical recipient in two
GSM-7 segments, says how to stop texts, apologizes, and ends a call offering a person."""

from __future__ import annotations

import re

import pytest

from app.services.scripts.script_lint import example_recipient, lint
from app.services.scripts.scripts import (
    NoSuchScript,
    library,
    render_sms,
    render_voice,
    script_named,
)
from app.services.texting.segments import GSM7, count

NAMES = ["all_clear", "extended_outage", "first_notice", "update"]
# A long real-world public address, so the link is not the shortest it could be.
BASE_URL = "https://helpline.example.com"
SORRY = {"en": re.compile(r"\bsorry\b", re.I), "es": re.compile(r"lo sentimos|disculpe", re.I)}
STOP = {"en": "Reply STOP to opt out.", "es": "Responda STOP para no recibir mas."}


def test_the_library_lists_the_disaster_plan_scripts_by_name_with_descriptions():
    scripts = library()

    assert [s.name for s in scripts] == NAMES
    assert all(s.description for s in scripts)


def test_an_unknown_script_name_is_refused_naming_the_ones_there_are():
    with pytest.raises(NoSuchScript) as refused:
        script_named("all-clear")

    assert str(refused.value) == (
        "There is no script named 'all-clear'. "
        "The scripts are: all_clear, extended_outage, first_notice, update."
    )
    assert refused.value.status == 404


@pytest.mark.parametrize("name", NAMES)
def test_each_library_script_lints_clean(name):
    report = lint(script_named(name), base_url=BASE_URL)

    assert report.errors == () and report.warnings == ()


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("name", NAMES)
def test_each_text_fits_two_gsm7_segments_and_says_how_to_stop(name, language):
    text = render_sms(script_named(name), example_recipient(language, BASE_URL))

    size = count(text)
    assert (size.encoding, size.count) == (GSM7, 2)
    assert text.startswith("Northwind: ") and text.endswith(STOP[language])
    assert f"{BASE_URL}/status/incidents/1234" in text


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("name", NAMES)
def test_each_version_apologizes_and_the_call_ends_offering_a_person(name, language):
    who = example_recipient(language, BASE_URL)
    script = script_named(name)

    texted, said = render_sms(script, who), render_voice(script, who)

    assert SORRY[language].search(texted) and SORRY[language].search(said)
    offer = "Press 0 to speak to a person." if language == "en" else "para hablar con una persona."
    assert said.endswith(offer) and "http" not in said


@pytest.mark.parametrize("name", ["first_notice", "update", "extended_outage"])
def test_outage_messages_offer_alternatives_and_say_when_we_write_again(name):
    en = render_sms(script_named(name), example_recipient("en", BASE_URL))
    es = render_sms(script_named(name), example_recipient("es", BASE_URL))

    assert "our app" in en and "store" in en and re.search(r"Next text in \d hours", en)
    assert "la app" in es and "tienda" in es and re.search(r"Proximo mensaje en \d horas", es)


def test_the_update_script_tells_the_latest_update_or_that_work_goes_on():
    who = example_recipient("es", BASE_URL)
    without = type(who)(who.label, "es", {k: v for k, v in who.variables.items() if k != "update"})

    with_update = render_sms(script_named("update"), who)
    no_update = render_voice(script_named("update"), without)

    assert "Encontramos un cable dañado y lo estamos reparando." in with_update
    assert "Seguimos trabajando para arreglarlo." in no_update
