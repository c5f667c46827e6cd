"""A language in an action URL is one the system speaks, or English: never passed on."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from tests.functional.queue_calls import queue_caller
from tests.functional.voice import MAIN_LINE, staff_queues, twiml
from tests.support import call_params

FORGED = ["zz", 'en"><Dial>+19005550100</Dial><Say>', "en-US-x-" + "a" * 200]

# Each view that reads ``l``, with the form that makes it speak (and link back).
VIEWS = [
    ("/voice/fallback-result", {"DialCallStatus": "no-answer"}),
    ("/voice/dial-result", {"DialCallStatus": "busy"}),
    ("/voice/voicemail", {}),  # nothing recorded: a person, then a message
    ("/voice/no-message", {"From": "+14155550123"}),
    ("/voice/queue-exit", {"QueueResult": "error"}),
    ("/voice/connect", {}),
    ("/voice/step", {"Digits": "1"}),  # a broken state: the fault path speaks
]


@pytest.mark.parametrize("language", FORGED)
@pytest.mark.parametrize(("path", "form"), VIEWS)
def test_an_unknown_language_in_an_action_url_means_english(
    line, twilio_post, path, form, language
):
    staff_queues(line)
    query = urlencode({"l": language, "q": "general", "s": "broken", "agent": "1", "c": "CA1"})

    response = twilio_post(f"{path}?{query}", call_params(To=MAIN_LINE, **form))

    root = twiml(response)
    assert b"+1900" not in response.data and b"zz" not in response.data
    assert {say.get("language") for say in root.iter("Say")} <= {"en-US", None}
    assert {*_languages_linked(root)} <= {"en"}


def test_a_caller_on_hold_with_a_forged_language_hears_english(line, twilio_post):
    staff_queues(line, presence="busy")
    caller = {k: v for k, v in queue_caller(twilio_post).items() if not k.startswith("_")}
    query = urlencode({"q": "general", "l": FORGED[1]})

    root = twiml(twilio_post(f"/voice/hold?{query}", {**caller, "QueueTime": "10"}))

    assert {say.get("language") for say in root.iter("Say")} == {"en-US"}
    assert "in line" in " ".join(say.text or "" for say in root.iter("Say"))


def _languages_linked(root) -> list[str]:  # type: ignore[no-untyped-def]
    """The ``l`` of every URL the TwiML sends Twilio back to."""
    urls = [el.get(name) for el in root.iter() for name in ("action", "url") if el.get(name)]
    urls += [el.text for el in root.iter("Redirect") if el.text]
    return [lang for url in urls for lang in parse_qs(urlsplit(url).query).get("l", [])]
