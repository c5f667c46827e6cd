"""Choosing the flow for a called number."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ivr_flows import Flow, FlowError, FlowSet, load_flow
from tests.unit.ivr_flows.conftest import WriteFlow
from tests.unit.ivr_flows.support import line_of


def test_the_flow_bound_to_the_called_number_answers(shipped: dict[str, Flow]) -> None:
    flows = FlowSet.of(shipped.values())

    assert flows.for_number("+15558675330").id == "outage_hotline"
    assert flows.for_number(" +15558675320 ").id == "sales"


def test_an_unbound_number_gets_the_default_flow(shipped: dict[str, Flow]) -> None:
    flows = FlowSet.of(shipped.values())

    assert flows.for_number("+15550000000").id == "main"
    assert flows.for_number("+15558675310").id == "main"


def test_without_a_default_an_unbound_number_is_a_flow_error(shipped: dict[str, Flow]) -> None:
    flows = FlowSet.of([shipped["sales"]])

    with pytest.raises(FlowError, match="no flow answers"):
        flows.for_number("+15550000000")


def test_two_flows_claiming_the_same_number_are_rejected(write_flow: WriteFlow) -> None:
    text = 'numbers: ["+15550001111"]\nlanguages: [en]\nstart: p\nnodes: {p: {type: hangup}}\n'
    first = load_flow(write_flow(text, name="first"))
    second = load_flow(write_flow(text, name="second"))

    with pytest.raises(FlowError) as caught:
        FlowSet.of([first, second])

    assert "number +15550001111 is also claimed by" in str(caught.value.problems[0])
    assert caught.value.problems[0].source == second.source


def test_a_number_claimed_twice_is_reported_at_its_line_in_the_second_file(
    write_flow: WriteFlow,
) -> None:
    body = "languages: [en]\nstart: p\nnodes: {p: {type: hangup}}\n"
    first = load_flow(write_flow(f'description: First\nnumbers: ["+15550001111"]\n{body}', "first"))
    path = write_flow(
        f'description: Second\nnumbers:\n  - "+15550002222"\n  - "+15550001111"\n{body}', "second"
    )

    with pytest.raises(FlowError) as caught:
        FlowSet.of([first, load_flow(path)])

    assert caught.value.problems[0].line == line_of(path, "+15550001111")


def test_a_second_default_flow_is_reported_at_its_default_key(write_flow: WriteFlow) -> None:
    body = "languages: [en]\nstart: p\nnodes: {p: {type: hangup}}\n"
    first = load_flow(write_flow(f"default: true\n{body}", "first"))
    path = write_flow(f"description: Second\n{body}default:\n  true\n", "second")

    with pytest.raises(FlowError) as caught:
        FlowSet.of([first, load_flow(path)])

    assert caught.value.problems[0].line == line_of(path, "default:")


def test_a_second_default_flow_is_rejected(shipped: dict[str, Flow]) -> None:
    copy = replace(shipped["main"], id="copy", numbers=())

    with pytest.raises(FlowError, match="a second default flow"):
        FlowSet.of([shipped["main"], copy])


def test_an_unknown_flow_id_is_a_flow_error(shipped: dict[str, Flow]) -> None:
    with pytest.raises(FlowError, match="no flow 'gone'"):
        FlowSet.of(shipped.values()).get("gone")
