"""``helpline call``: supervisors walk the live IVR from a terminal."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.cli.call import InProcessTransport
from app.twilio.simulator import Phone, Reply, ScriptedCaller
from ivr_flows import verify_flow
from tests.functional.voice import MAIN_LINE, OPEN, staff_queues


@pytest.fixture
def open_app(app):
    app.config["CLOCK"] = lambda: OPEN
    staff_queues(app)
    return app


def test_press_zero_from_the_first_menu_reaches_a_person_on_the_next_response(open_app, runner):
    result = runner.invoke(args=["call", "--press", "0"])

    assert result.exit_code == 0, result.output
    assert "Thank you for calling Northwind" in result.output
    assert "reached a human: queue general" in result.output
    assert result.output.count("caller:") == 1  # no second menu before the queue


def test_scripted_call_prints_each_prompt_and_answer(open_app, runner):
    result = runner.invoke(args=["call", "--press", "1,2", "--say", "my meter shows an error"])

    assert 'caller: says "my meter shows an error"' in result.output
    assert "reached a human: queue tech_support" in result.output


def test_a_script_that_runs_out_hangs_up(open_app, runner):
    result = runner.invoke(args=["call", "--press", "1"])

    assert "caller hangs up" in result.output


replies = st.one_of(
    st.text(alphabet="0123456789*#", min_size=0, max_size=3).map(lambda k: Reply(digits=k)),
    st.sampled_from(["", "billing", "agente", "no sé", "uh", "outage", "x" * 300]).map(
        lambda words: Reply(speech=words)
    ),
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(script=st.lists(replies, max_size=12), tier=st.sampled_from(["", "gold"]))
def test_any_caller_reaches_a_person_within_the_verified_bound(open_app, script, tier):
    flows = open_app.extensions["ivr.flows"].current()
    bound = verify_flow(flows.for_number(MAIN_LINE)).bound
    phone = Phone(InProcessTransport(), "+14155550199", MAIN_LINE)

    result = phone.call(ScriptedCaller(list(script)))

    gathers = sum(line.startswith("  caller:") for line in result.transcript)
    if result.outcome == "caller-hung-up":
        assert gathers < bound  # it hung up at a prompt: at most `bound` heard
    else:
        assert result.reached_human, result.transcript
        assert gathers <= bound
