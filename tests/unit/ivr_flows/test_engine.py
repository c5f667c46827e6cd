"""The engine: what a caller hears and where the call goes, step by step."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

import pytest

from ivr_flows import (
    Callback,
    CallContext,
    CallerReply,
    CallState,
    CallStateError,
    Flow,
    FlowError,
    Gather,
    Hangup,
    HumanFallback,
    KbAnswer,
    Voicemail,
    ask_for_person,
    resume,
    start,
)
from tests.unit.ivr_flows.support import (
    CLOSED,
    OPEN,
    SILENCE,
    call,
    context,
    press,
    queue_of,
    saying,
    spoken,
)

FlowFrom = Callable[[str], Flow]
MAIN_MENU_START = "For billing and payments, press 1"
AFTER_HOURS_START = "Our customer service team is available"


def test_pressing_0_at_the_first_menu_reaches_a_person_on_the_next_step(main_line: Flow) -> None:
    first = start(main_line, context())

    step = resume(main_line, first.state, context(), press("0"))

    assert first.gather is not None
    assert step.gather is None
    assert queue_of(step) == "general"
    assert step.state.human_offered


def test_pressing_0_in_spanish_reaches_the_spanish_queue(main_line: Flow) -> None:
    step = call(main_line, context(), press("2"), press("0"))

    assert queue_of(step) == "spanish"


def test_two_silences_at_the_main_menu_then_a_person(main_line: Flow) -> None:
    menu = call(main_line, context(), press("1"))

    again = resume(main_line, menu.state, context(), SILENCE)
    person = resume(main_line, again.state, context(), SILENCE)

    assert spoken(again)[0] == "Sorry, I didn't hear anything."
    assert spoken(again)[1].startswith(MAIN_MENU_START)
    assert spoken(person)[0] == "Let me connect you with someone who can help."
    assert queue_of(person) == "general"
    assert person.state.prompts == 3


def test_silence_at_the_language_question_means_english(main_line: Flow) -> None:
    step = call(main_line, context(), SILENCE)

    assert step.state.language == "en"
    assert spoken(step)[0].startswith(MAIN_MENU_START)


@pytest.mark.parametrize("garbage", ["9", "abc", "12#", "*#*", "١", "0" * 100])
def test_garbage_digits_are_invalid_input_not_an_error(main_line: Flow, garbage: str) -> None:
    menu = call(main_line, context(), press("1"))

    step = resume(main_line, menu.state, context(), press(garbage))

    assert spoken(step)[0] == "Sorry, I didn't understand that."
    assert step.gather is not None and step.state.tries == 2


def test_a_10000_character_speech_result_is_invalid_input(main_line: Flow) -> None:
    menu = call(main_line, context(), press("1"))

    step = resume(main_line, menu.state, context(), saying("blah " * 2000))

    assert spoken(step)[0] == "Sorry, I didn't understand that."
    assert len(json.dumps(step.state.to_dict())) < 200


def test_saying_agente_in_spanish_reaches_the_spanish_queue(main_line: Flow) -> None:
    menu = call(main_line, context(), press("2"))

    step = resume(
        main_line, menu.state, context(), saying("Quiero hablar con un agénte, por favor")
    )

    assert queue_of(step) == "spanish"


@pytest.mark.parametrize("words", ["representative", "I want a real person", "OPERATOR!"])
def test_asking_for_a_person_in_words_reaches_a_person(main_line: Flow, words: str) -> None:
    step = call(main_line, context(), press("1"), saying(words))

    assert queue_of(step) == "general"


@pytest.mark.parametrize(
    ("speech", "queue_or_prompt"),
    [
        ("I have a question about my bill and the app", "Please enter or say your 8-digit"),
        ("two", "In a few words, tell me what's going on"),
        ("my power is out", "Connecting you with our outage team."),
    ],
)
def test_spoken_choices_pick_the_first_keyword_heard(
    main_line: Flow, speech: str, queue_or_prompt: str
) -> None:
    step = call(main_line, context(), press("1"), saying(speech))

    assert spoken(step)[0].startswith(queue_or_prompt)


@pytest.mark.parametrize(
    ("now", "closed", "first_words"),
    [
        (OPEN, frozenset(), MAIN_MENU_START),
        (CLOSED, frozenset(), AFTER_HOURS_START),
        (OPEN, frozenset({"main_line_closed"}), AFTER_HOURS_START),
        (datetime.fromisoformat("2026-12-25T15:00:00+00:00"), frozenset(), AFTER_HOURS_START),
    ],
)
def test_business_hours_decide_between_the_main_menu_and_after_hours(
    main_line: Flow, now: datetime, closed: frozenset[str], first_words: str
) -> None:
    ctx = context(now, closed=closed)

    step = call(main_line, ctx, press("1"))

    assert spoken(step)[0].startswith(first_words)


@pytest.mark.parametrize("tier", ["gold", "platinum"])
def test_gold_and_platinum_callers_skip_the_first_menu(main_line: Flow, tier: str) -> None:
    step = start(main_line, context(tier=tier, language="en"))

    assert step.gather is None
    assert queue_of(step) == "priority"
    assert step.visited[:2] == ("choose_language", "check_priority")
    assert spoken(step)[0].startswith("Welcome back.")


def test_a_known_spanish_speaker_hears_the_spanish_menu_without_being_asked(
    main_line: Flow,
) -> None:
    step = start(main_line, context(tier="bronze", language="es"))

    assert step.state.language == "es"
    assert spoken(step)[0].startswith("Para facturas y pagos")
    assert isinstance(step.gather, Gather) and step.gather.language == "es-US"


def test_callers_hit_by_an_outage_hear_about_it_before_the_menu(main_line: Flow) -> None:
    step = call(main_line, context(incident=True), press("1"))

    assert spoken(step)[0].startswith("We know about a power outage in your area.")
    assert spoken(step)[1].startswith("To get updates on this outage by text message, press 1")
    assert "To speak with our outage team, press 4." in spoken(step)[1]


def test_the_incidents_own_message_replaces_the_flows_words_in_its_language(
    main_line: Flow,
) -> None:
    notice = {"en": "A transformer failed on Main Street; power is back by 6 pm."}
    ctx = replace(context(incident=True), incident_notice=notice)

    english = call(main_line, ctx, press("1"))
    spanish = call(main_line, ctx, press("2"))

    assert spoken(english)[0] == notice["en"]
    assert spoken(spanish)[0].startswith("Sabemos que hay un corte de luz en su zona.")


@pytest.mark.parametrize(
    "answer", [press("12345678#"), saying("one two three four five six seven eight")]
)
def test_a_valid_account_number_is_kept_for_the_billing_team(
    main_line: Flow, answer: CallerReply
) -> None:
    step = call(main_line, context(), press("1"), press("1"), answer)

    assert queue_of(step) == "billing"
    assert step.state.collected == {"account_number": "12345678"}


def test_an_invalid_account_number_still_reaches_the_billing_team(main_line: Flow) -> None:
    step = call(main_line, context(), press("1"), press("1"), press("1234"))

    assert spoken(step)[0] == "Let me connect you with someone who can help."
    assert queue_of(step) == "billing"
    assert step.state.collected == {}


def test_a_support_question_is_recorded_then_support_takes_the_call(main_line: Flow) -> None:
    step = call(main_line, context(), press("1"), press("2"), saying("My meter shows error E4"))

    assert step.actions[0] == KbAnswer(question="My meter shows error E4", language="en")
    assert spoken(step)[0] == "Thanks. I'll pass that on to our technical support team."
    assert queue_of(step) == "tech_support"


def test_after_hours_a_caller_can_ask_for_a_callback(main_line: Flow) -> None:
    step = call(main_line, context(CLOSED), press("1"), saying("please call me back"))

    handover = step.handover
    assert isinstance(handover, Callback)
    assert (handover.queue, handover.language, handover.number) == ("general", "en", None)
    # The promise is said only once the task exists: it travels with the callback.
    assert handover.confirmation is not None
    assert handover.confirmation.text.startswith("Thank you. We'll call you back")
    assert isinstance(step.actions[-1], Hangup)
    assert spoken(step)[-1] == "Thank you for calling Northwind Utilities. Goodbye."


def test_after_hours_a_caller_can_leave_a_message(main_line: Flow) -> None:
    step = call(main_line, context(CLOSED), press("2"), press("2"))

    handover = step.handover
    assert isinstance(handover, Voicemail)
    assert (handover.max_length, handover.queue, handover.language) == (180, "general", "es")
    assert handover.prompt is not None and "Le llamaremos" in handover.prompt.text
    # Said instead to a caller whose number cannot be called back: it promises no call.
    assert handover.no_callback is not None and "llamaremos" not in handover.no_callback.text
    assert handover.no_callback.text.startswith("Por favor, deje su nombre")


def test_a_voicemail_node_without_a_no_callback_prompt_has_a_neutral_one_in_the_callers_language(
    flow_from: FlowFrom,
) -> None:
    flow = flow_from(
        """
        languages: [en, fr]
        start: french
        nodes:
          french: {type: language, set: fr, next: message}
          message:
            type: voicemail
            prompt:
              en: Leave a message and we'll call you back.
              fr: Laissez un message et nous vous rappellerons.
        """
    )

    step = call(flow, context())

    assert isinstance(step.handover, Voicemail)
    assert step.handover.no_callback is not None
    assert step.handover.no_callback.text == (
        "Veuillez laisser votre nom et un court message après le signal sonore."
    )
    assert step.handover.no_callback.language == "fr-FR"


def test_the_state_survives_a_round_trip_through_json(main_line: Flow) -> None:
    menu = call(main_line, context(), press("2"))
    carried = CallState.from_dict(json.loads(json.dumps(menu.state.to_dict())))

    step = resume(main_line, carried, context(), press("1"))

    assert carried == menu.state
    assert spoken(step)[0].startswith("Por favor, marque o diga su número de cuenta")


@pytest.mark.parametrize(
    "data",
    [
        None,
        "main",
        {"v": 2, "f": "main", "n": "main_menu", "l": "en", "t": 1, "p": 1, "h": 0},
        {"v": 1, "f": "main", "n": "main_menu", "l": "en", "t": "1", "p": 1, "h": 0},
        {"v": 1, "f": "main", "n": "main_menu", "l": "en", "t": 1, "p": 1, "h": 0, "x": 1},
        {"v": 1, "f": "main", "n": "main_menu", "l": "en", "t": 1, "p": 1, "h": 0, "c": {"a": 5}},
    ],
)
def test_a_malformed_state_is_a_call_state_error(data: object) -> None:
    with pytest.raises(CallStateError):
        CallState.from_dict(data)


@pytest.mark.parametrize(
    "state",
    [
        CallState(flow_id="sales", node_id="main_menu", language="en", tries=1),
        CallState(flow_id="main", node_id="general_queue", language="en", tries=1),
        CallState(flow_id="main", node_id="no_such_node", language="en", tries=1),
        CallState(flow_id="main", node_id="main_menu", language="fr", tries=1),
        CallState(flow_id="main", node_id="main_menu", language="en", tries=7),
    ],
)
def test_a_state_that_does_not_fit_the_flow_is_refused(main_line: Flow, state: CallState) -> None:
    with pytest.raises(CallStateError):
        resume(main_line, state, context(), press("1"))


def test_a_context_without_a_time_zone_is_refused() -> None:
    with pytest.raises(FlowError, match="timezone-aware"):
        CallContext(now=datetime(2026, 3, 10, 10, 0))


def test_an_unverified_flow_never_prompts_past_its_maximum(flow_from: FlowFrom) -> None:
    flow = flow_from(
        """
        languages: [en]
        max_prompts_to_human: 1
        start: first
        nodes:
          first:
            type: menu
            prompt: For accounts, press 1.
            options: [{digit: 1, next: second}]
          second:
            type: menu
            prompt: For billing, press 1.
            options: [{digit: 1, next: people}]
          people: {type: queue, queue: general}
        """
    )

    step = call(flow, context(), press("1"))

    assert step.gather is None
    assert isinstance(step.handover, HumanFallback)


def test_an_unverified_flow_that_would_hang_up_dials_the_fallback_line(flow_from: FlowFrom) -> None:
    flow = flow_from("languages: [en]\nstart: bye\nnodes: {bye: {type: hangup, prompt: Bye.}}\n")

    step = start(flow, context())

    assert spoken(step) == []
    assert isinstance(step.handover, HumanFallback)


def test_a_flow_that_loops_without_asking_raises_a_flow_error(flow_from: FlowFrom) -> None:
    flow = flow_from(
        """
        languages: [en]
        start: a
        nodes:
          a: {type: say, prompt: A., next: b}
          b: {type: say, prompt: B., next: a}
        """
    )

    with pytest.raises(FlowError, match="loops without asking"):
        start(flow, context())


@pytest.mark.parametrize(("language", "queue"), [("en", "general"), ("es", "spanish")])
def test_asking_for_a_person_outside_the_menus_goes_where_0_goes(
    main_line: Flow, language: str, queue: str
) -> None:
    step = ask_for_person(main_line, context(), language)

    assert queue_of(step) == queue
    assert step.state.human_offered and step.state.language == language


def test_asking_for_a_person_after_hours_still_reaches_the_queues(main_line: Flow) -> None:
    step = ask_for_person(main_line, context(now=CLOSED), "en")

    assert queue_of(step) == "general"  # as 0 does at the after-hours menu


def test_asking_for_a_person_of_a_flow_with_no_escape_dials_the_fallback_line(
    main_line: Flow,
) -> None:
    no_escape = replace(main_line, escape=None)

    step = ask_for_person(no_escape, context(), "fr")

    assert isinstance(step.actions[-1], HumanFallback)
    assert step.state.language == main_line.default_language
