"""Loading flow files: the model it builds, and every mistake reported as file:line: message."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ivr_flows import Flow, load_flow
from ivr_flows.model import MenuNode, QueueNode
from tests.unit.ivr_flows.conftest import WriteFlow
from tests.unit.ivr_flows.support import assert_reported, line_of, problems_in

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


@pytest.mark.parametrize(
    ("text", "marker", "message"),
    [
        (
            "description: Our line\nlanguages: [en, es\nstart: people\n",
            "languages:",
            "expected ',' or ']', but got ':' on line 3 (while parsing a flow sequence",
        ),
        (
            "description: 'Our line\nlanguages: [en]\nstart: people\n",
            "description:",
            "found unexpected end of stream",
        ),
        (
            "start: people\nnodes:\n  people:\n    type: queue\n   queue: general\n",
            "queue: general",
            "expected <block end>, but found '<block mapping start>'",
        ),
    ],
    ids=["unclosed bracket", "unclosed quote", "bad indentation"],
)
def test_broken_yaml_syntax_is_reported_at_the_line_to_fix(
    write_flow: WriteFlow, text: str, marker: str, message: str
) -> None:
    path = write_flow(text)

    found = problems_in(path)

    assert len(found) == 1
    assert found[0].startswith(f"{path}:{line_of(path, marker)}: not valid YAML: "), found
    assert message in found[0]


def test_a_file_that_is_not_utf8_is_reported_at_the_line_of_the_bad_byte(
    write_flow: WriteFlow,
) -> None:
    path = write_flow(
        """
        description: Our line
        languages: [en]
        start: people
        nodes:
          people: {type: queue, queue: general, prompt: Un café?}
        """
    )
    line = line_of(path, "café")
    path.write_bytes(path.read_bytes().replace("é".encode(), b"\xe9"))

    found = problems_in(path)

    assert len(found) == 1
    assert found[0].startswith(f"{path}:{line}: cannot read: 'utf-8' codec can't decode"), found


def test_a_control_character_yaml_refuses_is_reported_at_its_line(write_flow: WriteFlow) -> None:
    path = write_flow(
        """
        description: Our line
        languages: [en]
        start: people
        nodes:
          people: {type: queue, queue: general, prompt: Hold BELL please}
        """
    )
    line = line_of(path, "BELL")
    path.write_text(path.read_text().replace("BELL", "\x07"))

    found = problems_in(path)

    assert found == [f"{path}:{line}: not valid YAML: character U+0007 is not allowed"]
