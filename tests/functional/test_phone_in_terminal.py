"""``helpline call``: supervisors walk the live IVR from a terminal."""

from __future__ import annotations

import socket
import threading
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.serving import make_server

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


@contextmanager
def serving(app):  # type: ignore[no-untyped-def]
    """``app`` served over HTTP on a free local port, as ``helpline run`` would serve it."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


def test_a_call_to_a_running_server_reaches_a_person(open_app, runner):
    # The server checks signatures against its public address, not the one called here.
    with serving(open_app) as url:
        result = runner.invoke(args=["call", "--url", url, "--press", "0"])

    assert result.exit_code == 0, result.output
    assert "reached a human: queue general" in result.output


def test_a_server_that_refuses_the_signature_is_a_clear_error(make_app, database_url, runner):
    other_account = make_app(DATABASE_URL=database_url, TWILIO_AUTH_TOKEN="another-token")

    with serving(other_account) as url:
        result = runner.invoke(args=["call", "--url", url, "--press", "0"])

    assert result.exit_code == 1
    assert "answered HTTP 403" in result.output
    assert "Traceback" not in result.output


def test_a_server_that_is_not_there_is_a_clear_error(runner):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed once the block ends: nothing listens

    result = runner.invoke(args=["call", "--url", f"http://127.0.0.1:{port}", "--press", "0"])

    assert result.exit_code == 1
    assert "cannot reach" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("url", ["not-a-url", "http://[::1"])
def test_a_url_that_is_not_one_is_a_clear_error(runner, url):
    result = runner.invoke(args=["call", "--url", url, "--press", "0"])

    assert result.exit_code == 1
    assert "--url must be like" in result.output
    assert "Traceback" not in result.output
