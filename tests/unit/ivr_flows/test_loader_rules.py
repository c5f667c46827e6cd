"""Loading flow files: the rules beyond syntax (escapes, numbers, branches, directories)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ivr_flows import Flow, FlowError, load_flows
from ivr_flows.model import BranchNode, CollectNode
from tests.unit.ivr_flows.conftest import WriteFlow
from tests.unit.ivr_flows.support import assert_reported

FlowFrom = Callable[[str], Flow]


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
