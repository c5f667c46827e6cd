"""The offer of an incident's updates by text: a ``subscribe_updates`` node reached from a
menu option, and menus whose ``anything_else`` option lets an unfitting answer go on."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ivr_flows import CallerReply, Flow, Gather, SubscribeUpdates, verify_flow
from ivr_flows.model import SubscribeUpdatesNode
from tests.unit.ivr_flows.conftest import WriteFlow
from tests.unit.ivr_flows.support import (
    SILENCE,
    assert_reported,
    call,
    context,
    press,
    queue_of,
    saying,
    spoken,
)

FlowFrom = Callable[[str], Flow]
MAIN_MENU_START = "For billing and payments, press 1"
SIGNED_UP = "Done. We'll text updates on this outage to the number you're calling from."


def subscriptions(step) -> list[SubscribeUpdates]:  # type: ignore[no-untyped-def]
    return [action for action in step.actions if isinstance(action, SubscribeUpdates)]


@pytest.mark.parametrize("answer", [press("1"), saying("text me please"), saying("updates")])
def test_a_caller_an_incident_touches_asks_for_its_updates_by_key_or_by_voice(
    main_line: Flow, answer: CallerReply
) -> None:
    step = call(main_line, context(incident=True), press("1"), answer)

    [asked] = subscriptions(step)
    assert asked.language == "en" and asked.confirmation.text.startswith(SIGNED_UP)
    assert isinstance(step.gather, Gather)
    assert spoken(step)[0].startswith(MAIN_MENU_START)  # then the call goes on as before
    assert not step.state.human_offered


def test_a_spanish_caller_asks_in_spanish_and_is_answered_in_spanish(main_line: Flow) -> None:
    step = call(main_line, context(incident=True), press("2"), saying("mensaje"))

    [asked] = subscriptions(step)
    assert asked.language == "es" and asked.confirmation.text.startswith("Listo.")
    assert spoken(step)[0].startswith("Para facturas y pagos")


@pytest.mark.parametrize(
    "answer", [SILENCE, press("9"), press("*"), saying("pizza with anchovies"), press("12")]
)
def test_silence_or_an_answer_that_fits_nothing_goes_on_to_the_menu_without_a_retry(
    main_line: Flow, answer: CallerReply
) -> None:
    step = call(main_line, context(incident=True), press("1"), answer)

    assert subscriptions(step) == []
    assert spoken(step)[0].startswith(MAIN_MENU_START)
    assert step.state.node_id == "main_menu"


@pytest.mark.parametrize(
    ("answer", "queue"),
    [(press("0"), "general"), (saying("agent"), "general"), (press("4"), "outage")],
)
def test_a_person_is_still_one_key_away_at_the_offer(
    main_line: Flow, answer: CallerReply, queue: str
) -> None:
    step = call(main_line, context(incident=True), press("1"), answer)

    assert queue_of(step) == queue and subscriptions(step) == []


def test_the_outage_line_offers_texts_beside_the_callback_then_goes_to_the_team(
    shipped: dict[str, Flow],
) -> None:
    hotline = shipped["outage_hotline"]

    step = call(hotline, context(incident=True), press("1"), press("3"))

    assert len(subscriptions(step)) == 1
    assert "you can hang up now" in " ".join(spoken(step))
    assert queue_of(step) == "outage"


def test_callers_no_incident_touches_are_never_offered_texts(main_line: Flow) -> None:
    step = call(main_line, context(incident=False), press("1"))

    assert spoken(step)[0].startswith(MAIN_MENU_START)


def test_a_subscribe_updates_node_is_loaded_with_its_prompt_and_next(flow_from: FlowFrom) -> None:
    flow = flow_from(
        """
        languages: [en]
        start: offer
        nodes:
          offer:
            type: menu
            prompt: For texts, press 1.
            options:
              - {digit: 1, next: texts}
              - {silence: true, anything_else: true, next: people}
          texts:
            type: subscribe_updates
            prompt: Done.
            next: people
          people: {type: queue, queue: general}
        """
    )

    node = flow.node("texts")
    assert isinstance(node, SubscribeUpdatesNode) and node.next == "people"
    assert verify_flow(flow).ok and verify_flow(flow).bound == 1


@pytest.mark.parametrize(
    ("node", "marker", "message"),
    [
        ("{type: subscribe_updates, prompt: Done.}", "texts:", "missing required key 'next'"),
        ("{type: subscribe_updates, next: people}", "texts:", "missing required key 'prompt'"),
        (
            "{type: subscribe_updates, prompt: Done., next: nowhere}",
            "texts:",
            "refers to unknown node 'nowhere'",
        ),
    ],
)
def test_a_subscribe_updates_node_without_prompt_or_next_is_refused_at_its_line(
    write_flow: WriteFlow, node: str, marker: str, message: str
) -> None:
    path = write_flow(
        f"""
        languages: [en]
        start: texts
        nodes:
          texts: {node}
          people: {{type: queue, queue: general}}
        """
    )

    assert_reported(path, marker, message)


def test_two_anything_else_options_are_refused(write_flow: WriteFlow) -> None:
    path = write_flow(
        """
        languages: [en]
        start: offer
        nodes:
          offer:
            type: menu
            prompt: Choose.
            options:
              - {digit: 1, anything_else: true, next: people}
              - {digit: 2, anything_else: true, next: people}
          people: {type: queue, queue: general}
        """
    )

    assert_reported(path, "digit: 2", "duplicate anything_else: true (first on line")


def test_a_language_choice_cannot_take_anything_else(write_flow: WriteFlow) -> None:
    path = write_flow(
        """
        languages: [en, es]
        start: pick
        nodes:
          pick:
            type: language
            prompt: {en: English press 1., es: Español oprima 2.}
            options:
              - {digit: 1, language: en, anything_else: true}
            next: people
          people: {type: queue, queue: general}
        """
    )

    assert_reported(path, "anything_else", "unknown key 'anything_else'")


def test_signing_up_that_leads_back_to_the_offer_is_a_loop_the_verifier_refuses(
    flow_from: FlowFrom,
) -> None:
    flow = flow_from(
        """
        languages: [en]
        start: offer
        nodes:
          offer:
            type: menu
            prompt: For texts, press 1.
            options:
              - {digit: 1, next: texts}
              - {anything_else: true, next: people}
          texts: {type: subscribe_updates, prompt: Done., next: offer}
          people: {type: queue, queue: general}
        """
    )

    result = verify_flow(flow)

    assert not result.ok
    assert any("go round this loop for ever" in problem.message for problem in result.errors)


def test_signing_up_is_not_a_person_so_the_call_cannot_end_after_it(flow_from: FlowFrom) -> None:
    flow = flow_from(
        """
        languages: [en]
        start: texts
        nodes:
          texts: {type: subscribe_updates, prompt: Done., next: bye}
          bye: {type: hangup}
          people: {type: queue, queue: general}
        """
    )

    result = verify_flow(flow)

    assert not result.ok and "hangs up at node 'bye' before a person" in result.errors[0].message
