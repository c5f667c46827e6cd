"""The verifier: the human guarantee holds on every path, within a bounded number of prompts."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from ivr_flows import SHIPPED_FLOWS, Flow, FlowError, load_flow_set, verify_flow, verify_paths
from tests.unit.ivr_flows.conftest import WriteFlow
from tests.unit.ivr_flows.support import line_of

FlowFrom = Callable[[str], Flow]
QUEUES = {"billing", "tech_support", "sales", "outage", "priority", "spanish", "general"}


def messages(flow: Flow, known_queues: set[str] | None = None) -> list[str]:
    result = verify_flow(flow, known_queues=known_queues)
    assert not result.ok
    return [str(problem) for problem in result.errors]


@pytest.mark.parametrize(("flow_id", "bound"), [("main", 5), ("sales", 3), ("outage_hotline", 3)])
def test_shipped_flows_pass_with_their_bound(
    shipped: dict[str, Flow], flow_id: str, bound: int
) -> None:
    result = verify_flow(shipped[flow_id], known_queues=QUEUES)

    assert result.ok, result.errors
    assert result.bound == bound
    assert result.warnings == ()


def test_the_main_line_worst_path_goes_through_both_menus(main_line: Flow) -> None:
    result = verify_flow(main_line)

    assert result.worst_path[0] == "choose_language"
    assert result.worst_path.count("main_menu") == 2
    assert result.worst_path[-1].endswith("_queue")


def test_a_say_that_ends_the_call_before_a_person_is_a_dead_end(flow_from: FlowFrom) -> None:
    flow = flow_from(
        """
        languages: [en]
        start: menu
        nodes:
          menu:
            type: menu
            prompt: For our opening hours, press 1.
            options: [{digit: 1, next: hours}]
          hours:
            type: say
            prompt: We are open from nine to five. Goodbye.
        """
    )

    found = messages(flow)

    assert found == [
        f"{flow.source}:{line_of(Path(flow.source), 'hours:')}: the call ends at node 'hours' "
        "before a person was offered (path: menu → hours)"
    ]


def test_hanging_up_before_a_person_was_offered_fails(flow_from: FlowFrom) -> None:
    flow = flow_from(
        """
        languages: [en]
        start: menu
        nodes:
          menu:
            type: menu
            prompt: To end this call, press 9.
            options: [{digit: 9, next: bye}]
          bye: {type: hangup, prompt: Goodbye.}
        """
    )

    assert "the call hangs up at node 'bye' before a person was offered" in messages(flow)[0]


def test_a_loop_the_caller_can_repeat_for_ever_fails(flow_from: FlowFrom) -> None:
    flow = flow_from(
        """
        languages: [en]
        start: menu
        nodes:
          menu:
            type: menu
            prompt: For billing press 1. To hear this again, press 9.
            options:
              - {digit: 1, next: billing}
              - {digit: 9, next: again}
          again: {type: say, prompt: Once more., next: menu}
          billing: {type: queue, queue: billing}
        """
    )

    found = messages(flow)

    assert len(found) == 1
    assert "a caller can go round this loop for ever" in found[0]
    assert "menu → again → menu" in found[0]


def test_silence_that_leads_back_to_the_menu_is_an_unbounded_loop(flow_from: FlowFrom) -> None:
    flow = flow_from(
        """
        languages: [en]
        start: menu
        nodes:
          menu:
            type: menu
            prompt: For billing press 1, or hold for more options.
            options:
              - {digit: 1, next: billing}
              - {silence: true, next: more}
          more:
            type: menu
            prompt: For sales press 1, or hold to go back.
            options:
              - {digit: 1, next: billing}
              - {silence: true, next: menu}
          billing: {type: queue, queue: billing}
        """
    )

    assert "a caller can go round this loop for ever" in messages(flow)[0]


def test_both_ways_of_a_branch_are_checked_even_if_one_is_always_taken(flow_from: FlowFrom) -> None:
    flow = flow_from(
        """
        languages: [en]
        start: hours
        nodes:
          hours:
            type: branch
            if: {business_hours: {timezone: UTC, weekly: ["daily 00:00-24:00"]}}
            then: people
            else: closed
          closed: {type: say, prompt: We are closed.}
          people: {type: queue, queue: general}
        """
    )

    assert "the call ends at node 'closed'" in messages(flow)[0]


def test_a_missing_language_fails_verification_with_file_and_line(write_flow: WriteFlow) -> None:
    path = write_flow(
        """
        languages: [en, es]
        start: people
        nodes:
          people:
            type: queue
            queue: general
            prompt: {en: Connecting you now.}
        """
    )

    report = verify_paths([path])

    assert not report.ok
    assert [str(problem) for problem in report.results[0].errors] == [
        f"{path}:{line_of(path, 'prompt:')}: queue node 'people' 'prompt': "
        "missing prompt for declared language 'es'"
    ]


def test_a_bound_over_the_flow_maximum_fails(flow_from: FlowFrom) -> None:
    flow = flow_from(
        """
        languages: [en]
        max_prompts_to_human: 3
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

    result = verify_flow(flow)

    assert not result.ok and result.bound == 4
    assert result.worst_path == ("first", "first", "second", "second", "people")
    assert "can hear 4 prompts before reaching a person, more than" in str(result.errors[0])


def test_a_bound_over_the_flow_maximum_is_reported_at_max_prompts_to_human(
    flow_from: FlowFrom,
) -> None:
    flow = flow_from(
        """
        description: Too many questions
        languages: [en]
        start: menu
        max_prompts_to_human: 1
        nodes:
          menu:
            type: menu
            prompt: For billing, press 1.
            options: [{digit: 1, next: people}]
          people: {type: queue, queue: general}
        """
    )

    found = messages(flow)

    line = line_of(Path(flow.source), "max_prompts_to_human:")
    assert found[0].startswith(f"{flow.source}:{line}: a caller can hear 2 prompts"), found


@pytest.mark.parametrize(
    ("hours", "error"),
    [
        ("{type: say, prompt: We are open from nine.}", "the call ends at node 'hours'"),
        ("{type: say, prompt: We are open from nine., next: menu}", "go round this loop"),
    ],
    ids=["dead end", "loop"],
)
def test_a_flow_a_caller_can_leave_without_a_person_has_no_bound(
    flow_from: FlowFrom, hours: str, error: str
) -> None:
    flow = flow_from(
        f"""
        languages: [en]
        start: menu
        nodes:
          menu:
            type: menu
            prompt: For billing press 1, for our hours press 2.
            options: [{{digit: 1, next: people}}, {{digit: 2, next: hours}}]
          hours: {hours}
          people: {{type: queue, queue: general}}
        """
    )

    result = verify_flow(flow)

    assert [error in str(problem) for problem in result.errors] == [True]
    assert (result.bound, result.worst_path) == (None, ())
    assert result.to_dict()["bound"] is None


def test_an_escape_that_asks_another_question_fails(flow_from: FlowFrom) -> None:
    flow = flow_from(
        """
        languages: [en]
        start: menu
        escape: agents
        nodes:
          menu:
            type: menu
            prompt: For billing, press 1.
            options: [{digit: 1, next: people}]
          agents:
            type: menu
            prompt: For a billing agent press 1.
            options: [{digit: 1, next: people}]
          people: {type: queue, queue: general}
        """
    )

    assert "the escape from node 'menu' ('agents') asks another question" in messages(flow)[0]


def test_a_queue_outside_the_known_queues_is_flagged_when_queues_are_given(
    flow_from: FlowFrom,
) -> None:
    flow = flow_from(
        """
        languages: [en]
        start: people
        nodes:
          people: {type: queue, queue: biling}
        """
    )

    assert verify_flow(flow).ok
    assert "node 'people' uses unknown queue 'biling'" in messages(flow, known_queues=QUEUES)[0]


def test_a_node_no_call_can_reach_is_a_warning_not_a_failure(flow_from: FlowFrom) -> None:
    flow = flow_from(
        """
        languages: [en]
        start: people
        nodes:
          people: {type: queue, queue: general}
          draft: {type: say, prompt: Not used yet., next: people}
        """
    )

    result = verify_flow(flow)

    assert result.ok
    assert "node 'draft' cannot be reached from 'people'" in str(result.warnings[0])


def test_two_flows_claiming_one_number_fail_the_report(write_flow: WriteFlow) -> None:
    text = (
        'numbers: ["+15550001111"]\n'
        "languages: [en]\nstart: p\nnodes: {p: {type: queue, queue: general}}\n"
    )
    first = write_flow(text, name="first")
    write_flow(text, name="second")

    report = verify_paths([first.parent])

    assert not report.ok
    assert "number +15550001111 is also claimed by" in str(report.problems[0])


def test_the_report_has_a_json_form(write_flow: WriteFlow) -> None:
    path = write_flow("languages: [en]\nstart: p\nnodes: {p: {type: queue, queue: general}}\n")

    data = json.loads(verify_paths([path]).to_json())

    assert data["ok"] is True
    assert data["flows"][0] == {
        "flow": "test_line",
        "file": str(path),
        "ok": True,
        "bound": 0,
        "max_prompts_to_human": 4,
        "worst_path": ["p"],
        "errors": [],
        "warnings": [],
    }


def test_loading_a_verified_flow_set_refuses_a_failing_flow(write_flow: WriteFlow) -> None:
    path = write_flow("languages: [en]\nstart: bye\nnodes: {bye: {type: hangup}}\n")

    with pytest.raises(FlowError) as caught:
        load_flow_set([path])

    assert "before a person was offered" in str(caught.value)


def test_the_shipped_flow_set_loads_verified(shipped: dict[str, Flow]) -> None:
    flows = load_flow_set([SHIPPED_FLOWS], known_queues=QUEUES)

    assert {flow.id for flow in flows} == set(shipped)
