"""``helpline flows``: verify flow files, flip closed switches, read the stats."""

from __future__ import annotations

import json

from tests.conftest import WriteFlow
from tests.unit.ivr_flows.support import line_of


def test_verify_checks_the_shipped_flows_by_default_and_prints_each_bound(runner) -> None:
    result = runner.invoke(args=["flows", "verify"])

    assert result.exit_code == 0, result.output
    assert "ok   main (" in result.output
    assert "at most 5 prompt(s) before a person (max 5)" in result.output
    assert result.output.strip().endswith("all flows verified")


def test_verify_exits_1_with_file_and_line_for_each_error(runner, write_flow: WriteFlow) -> None:
    path = write_flow(
        """
        languages: [en]
        start: greet
        nodes:
          greet: {type: say, prompt: Hello., next: nowhere}
        """
    )

    result = runner.invoke(args=["flows", "verify", str(path)])

    assert result.exit_code == 1
    assert f"{path}:{line_of(path, 'nowhere')}: say node 'greet' 'next' refers" in result.output


def test_verify_prints_json_for_machines(runner, write_flow: WriteFlow) -> None:
    path = write_flow("languages: [en]\nstart: bye\nnodes: {bye: {type: hangup}}\n")

    result = runner.invoke(args=["flows", "verify", "--json", str(path)])

    data = json.loads(result.output)
    assert result.exit_code == 1
    assert data["ok"] is False
    assert data["flows"][0]["errors"][0]["line"] == 3


def test_verify_prints_no_bound_for_a_flow_that_fails_the_guarantee(
    runner, write_flow: WriteFlow
) -> None:
    path = write_flow(
        """
        languages: [en]
        start: menu
        nodes:
          menu:
            type: menu
            prompt: For billing press 1, for our hours press 2.
            options: [{digit: 1, next: people}, {digit: 2, next: hours}]
          hours: {type: say, prompt: We are open from nine.}
          people: {type: queue, queue: general}
        """
    )

    result = runner.invoke(args=["flows", "verify", str(path)])
    as_json = runner.invoke(args=["flows", "verify", "--json", str(path)])

    assert result.exit_code == 1
    header = result.output.splitlines()[0]
    assert header == f"FAIL test_line ({path}): not every call reaches a person"
    assert json.loads(as_json.output)["flows"][0]["bound"] is None


def test_closing_a_switch_no_flow_names_is_refused_as_a_likely_typo(runner) -> None:
    typo = runner.invoke(args=["flows", "close", "main_line_closd"])
    listed = runner.invoke(args=["flows", "switches"])
    forced = runner.invoke(args=["flows", "close", "main_line_closd", "--force"])

    assert typo.exit_code == 1
    assert "switches in use: main_line_closed" in typo.output
    assert listed.output.strip() == "No closed switch is on."
    assert forced.exit_code == 0


def test_opening_a_switch_that_is_not_on_says_so(runner) -> None:
    result = runner.invoke(args=["flows", "open", "main_line_closed"])

    assert result.exit_code == 0
    assert "was not on: nothing changed" in result.output


def test_close_and_open_a_line_by_switch(runner) -> None:
    closed = runner.invoke(args=["flows", "close", "main_line_closed"])
    listed = runner.invoke(args=["flows", "switches"])
    opened = runner.invoke(args=["flows", "open", "main_line_closed"])
    after = runner.invoke(args=["flows", "switches"])

    assert closed.exit_code == 0
    assert listed.output.strip() == "main_line_closed"
    assert opened.exit_code == 0
    assert after.output.strip() == "No closed switch is on."


def test_stats_with_no_calls_says_so(runner) -> None:
    result = runner.invoke(args=["flows", "stats", "--days", "1"])

    assert result.exit_code == 0
    assert result.output.strip() == "No IVR calls in the last 1 day(s)."


def test_verify_flags_a_queue_the_database_does_not_know(runner, write_flow: WriteFlow) -> None:
    from app.demo.staff import ensure_queues
    from app.extensions import db

    ensure_queues(db.session)
    db.session.commit()
    path = write_flow(
        """
        languages: [en]
        start: to_billing
        nodes:
          to_billing: {type: queue, queue: biling}
        """
    )

    result = runner.invoke(args=["flows", "verify", str(path)])
    unchecked = runner.invoke(args=["flows", "verify", "--no-queue-check", str(path)])

    assert result.exit_code == 1
    assert "biling" in result.output
    assert unchecked.exit_code == 0, unchecked.output
