"""Loading flow files: the model it builds, and every mistake reported as file:line: message."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ivr_flows import Flow, FlowError, load_flow, load_flows
from ivr_flows.model import BranchNode, CollectNode, MenuNode, QueueNode
from tests.unit.ivr_flows.conftest import WriteFlow
from tests.unit.ivr_flows.support import line_of

FlowFrom = Callable[[str], Flow]
VALID = """
description: A small line
numbers: ["+15550001111"]
languages: [en, es]
start: menu
nodes:
  menu:
    type: menu
    prompt:
      en: For billing, press 1.
      es: {text: "Para facturas, oprima 1.", voice: Polly.Lupe}
    options:
      - digit: 1
        keywords: {en: [billing], es: [factura]}
        next: billing
    timeout: 7
  billing:
    type: queue
    queue: billing
    skills: [billing]
"""


def problems_in(path: Path) -> list[str]:
    with pytest.raises(FlowError) as caught:
        load_flow(path)
    return [str(problem) for problem in caught.value.problems]


def assert_reported(path: Path, marker: str, message: str, nth: int = 1) -> None:
    where = f"{path}:{line_of(path, marker, nth)}: "
    found = problems_in(path)
    assert any(text.startswith(where) and message in text for text in found), found


def test_a_valid_file_becomes_a_flow_named_after_the_file(write_flow: WriteFlow) -> None:
    path = write_flow(VALID, name="small_line")

    flow = load_flow(path)

    assert flow.id == "small_line"
    assert flow.languages == ("en", "es")
    assert flow.numbers == ("+15550001111",)
    assert flow.max_prompts_to_human == 4
    menu = flow.nodes["menu"]
    assert isinstance(menu, MenuNode)
    assert menu.rules.timeout == 7 and menu.rules.max_tries == 2
    assert menu.prompt.voice == {"es": "Polly.Lupe"}
    assert menu.options[0].digit == "1" and menu.options[0].keywords["es"] == ("factura",)
    assert isinstance(flow.nodes["billing"], QueueNode)


def test_unknown_node_type_is_reported_at_its_line(write_flow: WriteFlow) -> None:
    path = write_flow(
        """
        languages: [en]
        start: greet
        nodes:
          greet:
            type: sya
            prompt: Hello.
        """
    )

    assert_reported(
        path, "type: sya", "node 'greet': unknown node type 'sya' (expected one of: say"
    )


def test_reference_to_an_unknown_node_is_reported_at_the_reference(write_flow: WriteFlow) -> None:
    path = write_flow(
        """
        languages: [en]
        start: greet
        nodes:
          greet:
            type: say
            prompt: Hello.
            next: billing_q
        """
    )

    assert_reported(path, "next: billing_q", "'next' refers to unknown node 'billing_q'")


def test_missing_prompt_for_a_declared_language_is_reported(write_flow: WriteFlow) -> None:
    path = write_flow(
        """
        languages: [en, es]
        start: greet
        nodes:
          greet:
            type: queue
            queue: general
            prompt:
              en: Connecting you now.
        """
    )

    assert_reported(path, "en: Connecting", "missing prompt for declared language 'es'")


def test_bad_time_format_in_business_hours_is_reported(write_flow: WriteFlow) -> None:
    path = write_flow(
        """
        languages: [en]
        start: hours
        nodes:
          hours:
            type: branch
            if:
              business_hours:
                timezone: America/Chicago
                weekly: ["mon-fri 8am-20:00"]
            then: people
            else: people
          people:
            type: queue
            queue: general
        """
    )

    assert_reported(path, "8am", "bad time format '8am': expected HH:MM")


def test_duplicate_digit_is_reported_at_the_second_use(write_flow: WriteFlow) -> None:
    path = write_flow(
        """
        languages: [en]
        start: menu
        nodes:
          menu:
            type: menu
            prompt: Press 1 for billing or 1 for sales.
            options:
              - digit: 1
                next: people
              - digit: 1
                next: people
          people:
            type: queue
            queue: general
        """
    )

    first = line_of(path, "digit: 1")
    assert_reported(path, "digit: 1", f"duplicate digit 1 (first on line {first})", nth=2)


def test_unknown_key_is_reported(write_flow: WriteFlow) -> None:
    path = write_flow(
        """
        languages: [en]
        start: people
        nodes:
          people:
            type: queue
            queue: general
            qeue_name: general
        """
    )

    assert_reported(
        path, "qeue_name", "unknown key 'qeue_name' (expected one of: priority, prompt, queue"
    )


def test_wrong_value_type_is_reported(write_flow: WriteFlow) -> None:
    path = write_flow(
        """
        languages: [en]
        start: menu
        nodes:
          menu:
            type: menu
            prompt: Press 1.
            options: [{digit: 1, next: people}]
            timeout: five
          people:
            type: queue
            queue: general
        """
    )

    assert_reported(path, "timeout: five", "'timeout': must be a whole number, not 'five'")


def test_bad_regex_in_a_collect_is_reported(write_flow: WriteFlow) -> None:
    path = write_flow(
        """
        languages: [en]
        start: account
        nodes:
          account:
            type: collect
            variable: account
            prompt: Your account number, please.
            validate: {pattern: "[0-9"}
            next: people
          people:
            type: queue
            queue: general
        """
    )

    assert_reported(path, 'pattern: "[0-9"', "bad regex '[0-9'")


@pytest.mark.parametrize(
    ("text", "marker", "message"),
    [
        ("languages: [en, klingon]", "klingon", "unknown language 'klingon' (supported: en, es"),
        ("languages: [en]", "fr: Bonjour", "unknown language 'fr' (declared: en)"),
    ],
)
def test_unknown_language_is_reported(
    write_flow: WriteFlow, text: str, marker: str, message: str
) -> None:
    path = write_flow(
        f"""
        {text}
        start: people
        nodes:
          people:
            type: queue
            queue: general
            prompt:
              en: Hello.
              fr: Bonjour.
        """
    )

    assert_reported(path, marker, message)


def test_every_mistake_in_a_file_is_reported_at_once(write_flow: WriteFlow) -> None:
    path = write_flow(
        """
        languages: [en]
        start: greet
        nodes:
          greet:
            type: say
            prompt: Hello.
            next: nowhere
          menu:
            type: menu
            prompt: Press 1.
            options: [{digit: 1, next: elsewhere}]
            max_tries: many
        """
    )

    found = problems_in(path)

    assert [text.split(": ", 1)[0] for text in found] == [
        f"{path}:{line_of(path, 'next: nowhere')}",
        f"{path}:{line_of(path, 'next: elsewhere')}",
        f"{path}:{line_of(path, 'max_tries: many')}",
    ]


def test_broken_yaml_syntax_is_reported_with_its_line(write_flow: WriteFlow) -> None:
    path = write_flow(
        """
        languages: [en
        start: people
        """
    )

    assert problems_in(path)[0].startswith(f"{path}:2: not valid YAML")


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("{digit: 0, next: people}", "digit 0 is reserved for reaching a human"),
        ("{digit: 12, next: people}", "digit must be one key of 1-9 or '*', not '12'"),
        ("{keywords: [Agent], next: people}", "keyword 'agent' is reserved for reaching a human"),
    ],
)
def test_menus_cannot_take_over_the_escape_to_a_human(
    write_flow: WriteFlow, option: str, message: str
) -> None:
    path = write_flow(
        f"""
        languages: [en]
        start: menu
        nodes:
          menu:
            type: menu
            prompt: Choose.
            options: [{option}]
          people:
            type: queue
            queue: general
        """
    )

    assert_reported(path, "options:", message)


def test_numbers_must_be_e164(write_flow: WriteFlow) -> None:
    path = write_flow(
        """
        numbers: ["555-867-5310"]
        languages: [en]
        start: people
        nodes:
          people: {type: queue, queue: general}
        """
    )

    assert_reported(path, "555-867", "'555-867-5310' is not an E.164 number")


def test_branch_cases_and_collect_validation_are_loaded(flow_from: FlowFrom) -> None:
    flow = flow_from(
        """
        languages: [en]
        start: route
        nodes:
          route:
            type: branch
            cases:
              - if: {tier: [gold, platinum], known_caller: true}
                then: people
              - if: {business_hours: {timezone: UTC, weekly: [daily 00:00-24:00]}}
                then: account
            default: people
          account:
            type: collect
            variable: account
            prompt: Your account number?
            validate: {pattern: "^[0-9]{8}$", min_length: 8, max_length: 8}
            next: people
          people: {type: queue, queue: general}
        """
    )

    route = flow.nodes["route"]
    assert isinstance(route, BranchNode) and len(route.cases) == 2
    assert route.cases[0].condition.tier == frozenset({"gold", "platinum"})
    account = flow.nodes["account"]
    assert isinstance(account, CollectNode) and account.validation.max_length == 8


def test_loading_a_directory_reports_the_problems_of_every_file(write_flow: WriteFlow) -> None:
    first = write_flow("languages: [en]\nstart: a\nnodes: {a: {type: bogus}}\n", name="first")
    second = write_flow("languages: [xx]\nstart: a\nnodes: {a: {type: hangup}}\n", name="second")

    with pytest.raises(FlowError) as caught:
        load_flows([first.parent])

    sources = {problem.source for problem in caught.value.problems}
    assert sources == {str(first), str(second)}
