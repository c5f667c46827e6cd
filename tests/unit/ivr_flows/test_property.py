"""Property: whatever the caller does, each shipped flow reaches a person within its bound."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from ivr_flows import (
    SHIPPED_FLOWS,
    CallContext,
    Caller,
    CallerReply,
    Flow,
    FlowError,
    Hangup,
    load_flows,
    parse_flow,
    resume,
    start,
    verify_flow,
)
from ivr_flows.languages import LANGUAGES
from ivr_flows.model import CollectNode, LanguageNode, MenuNode

FLOWS = load_flows([SHIPPED_FLOWS])
BOUNDS = {flow.id: verify_flow(flow).bound for flow in FLOWS}
ESCAPE_WORDS = sorted({word for language in LANGUAGES.values() for word in language.escape_words})

wild_replies = st.one_of(
    st.just(CallerReply()),
    st.builds(CallerReply, digits=st.sampled_from(list("0123456789*#"))),
    st.builds(CallerReply, digits=st.text(alphabet="0123456789*#", min_size=1, max_size=12)),
    st.builds(CallerReply, digits=st.text(max_size=20)),
    st.builds(CallerReply, speech=st.text(max_size=300)),
    st.builds(CallerReply, speech=st.sampled_from(ESCAPE_WORDS)),
    st.builds(CallerReply, digits=st.text(max_size=5), speech=st.text(max_size=50)),
    st.builds(CallerReply, speech=st.just("la " * 5000), confidence=st.floats(0, 1)),
)
callers = st.builds(
    Caller,
    known=st.booleans(),
    tier=st.sampled_from([None, "bronze", "silver", "gold", "platinum"]),
    language=st.sampled_from([None, "en", "es", "fr"]),
    region=st.sampled_from([None, "north", "south"]),
    has_open_case=st.booleans(),
)
contexts = st.builds(
    CallContext,
    now=st.datetimes(datetime(2025, 1, 1), datetime(2027, 12, 31), timezones=st.just(UTC)),
    caller=callers,
    incident_affects_caller=st.booleans(),
    closed_switches=st.sampled_from([frozenset(), frozenset({"main_line_closed", "sales_closed"})]),
)


def fitting_replies(flow: Flow, node_id: str) -> st.SearchStrategy[CallerReply]:
    """Answers that mean something at this node (each key and keyword), or anything at all."""
    node = flow.nodes[node_id]
    meaningful: list[CallerReply] = []
    if isinstance(node, MenuNode | LanguageNode):
        for option in node.options:
            meaningful += [CallerReply(digits=option.digit)] if option.digit else []
            meaningful += [
                CallerReply(speech=f"um {keyword} please")
                for keywords in option.keywords.values()
                for keyword in keywords
            ]
    numbers = st.text(alphabet="0123456789", min_size=1, max_size=10)
    if isinstance(node, CollectNode):
        return st.one_of(st.builds(CallerReply, digits=numbers), wild_replies)
    if not meaningful:
        return st.one_of(st.builds(CallerReply, speech=st.text(max_size=80)), wild_replies)
    return st.one_of(st.sampled_from(meaningful), wild_replies)


@settings(max_examples=500, deadline=None)
@given(flow=st.sampled_from(FLOWS), ctx=contexts, data=st.data())
def test_every_shipped_flow_reaches_a_person_within_its_verified_bound(
    flow: Flow, ctx: CallContext, data: st.DataObject
) -> None:
    bound = BOUNDS[flow.id]
    assert bound is not None
    step = start(flow, ctx)

    while step.gather is not None:
        assert step.state.prompts <= bound
        reply = data.draw(fitting_replies(flow, step.state.node_id))
        step = resume(flow, step.state, ctx, reply)

    assert step.state.human_offered
    assert step.handover is not None
    assert step.state.prompts <= bound
    if isinstance(step.actions[-1], Hangup):
        assert step.actions.index(step.handover) < len(step.actions) - 1


MAIN_TEXT = (SHIPPED_FLOWS / "main.yaml").read_text(encoding="utf-8").splitlines()
edits = st.lists(
    st.tuples(
        st.integers(0, len(MAIN_TEXT) - 1),
        st.sampled_from(["delete", "duplicate", "garble"]),
        st.sampled_from([":", "- ", "{", "!!int ", "0", "agent", "next: x", ""]),
    ),
    min_size=1,
    max_size=4,
)


@settings(max_examples=200, deadline=None)
@given(changes=edits)
def test_a_mangled_flow_file_fails_with_a_flow_error_or_loads(
    changes: list[tuple[int, str, str]],
) -> None:
    lines = list(MAIN_TEXT)
    for index, change, text in changes:
        index %= len(lines)
        if change == "delete":
            del lines[index]
        elif change == "duplicate":
            lines.insert(index, lines[index])
        else:
            lines[index] = text + lines[index][len(text) :]

    try:
        flow = parse_flow("\n".join(lines), flow_id="mangled", source="mangled.yaml")
    except FlowError as exc:
        assert all(problem.source == "mangled.yaml" for problem in exc.problems)
        assert all(problem.line >= 1 for problem in exc.problems)
    else:
        verify_flow(flow)
