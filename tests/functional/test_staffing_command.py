"""``helpline staffing``: Erlang C figures as a table, a single row, or JSON."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner, Result
from flask import Flask

from app.cli.staffing import staffing_command

ISSUE_LOAD = ["--calls-per-hour", "200", "--aht", "180"]


def invoke(*args: str) -> Result:
    return CliRunner().invoke(staffing_command, list(args))


def strict_json(text: str) -> Any:
    """Parse JSON, refusing the non-standard Infinity and NaN that json.dumps may write."""

    def refuse(name: str) -> None:
        raise ValueError(f"not JSON: {name}")

    return json.loads(text, parse_constant=refuse)


def test_without_agents_prints_a_table_marking_the_recommended_count() -> None:
    result = invoke(*ISSUE_LOAD)

    lines = result.output.splitlines()
    rows = [line for line in lines if line[:6].strip().isdigit()]
    assert result.exit_code == 0, result.output
    assert "10.00 Erlangs" in lines[0]
    assert "80% answered within 20 s; 14 agents needed" in lines[1]
    assert [int(row.split()[0]) for row in rows] == list(range(11, 18))
    recommended = [row for row in rows if row.endswith("<- recommended")]
    assert recommended == [next(row for row in rows if row.split()[0] == "14")]
    assert "17.4%" in recommended[0] and "88.8%" in recommended[0]


def test_with_agents_prints_that_row_only() -> None:
    result = invoke(*ISSUE_LOAD, "--agents", "13")

    rows = [line for line in result.output.splitlines() if line[:6].strip().isdigit()]
    assert result.exit_code == 0, result.output
    assert len(rows) == 1
    assert rows[0].split()[:3] == ["13", "28.5%", "17.1"]
    assert "79.6%" in rows[0]
    assert rows[0].endswith("below target")


def test_too_few_agents_are_reported_as_unstable_not_as_an_error() -> None:
    result = invoke(*ISSUE_LOAD, "--agents", "10")

    assert result.exit_code == 0, result.output
    assert "infinite" in result.output
    assert "unstable" in result.output


def test_target_and_answer_time_change_the_recommendation() -> None:
    result = invoke("--calls-per-hour", "720", "--aht", "240", "--target", "0.8", "--within", "15")

    assert result.exit_code == 0, result.output
    assert "80% answered within 15 s; 55 agents needed" in result.output
    assert "SL 15s" in result.output


def test_json_with_agents_gives_the_figures_for_that_count() -> None:
    result = invoke(*ISSUE_LOAD, "--agents", "14", "--json")

    data = strict_json(result.output)
    assert result.exit_code == 0, result.output
    assert data["intensity_erlangs"] == pytest.approx(10.0)
    assert data["target"] == {"service_level": 0.8, "within_seconds": 20.0}
    assert data["agents_needed"] == 14
    [row] = data["rows"]
    assert row["agents"] == 14
    assert row["probability_of_waiting"] == pytest.approx(0.1741, abs=1e-4)
    assert row["service_level"] == pytest.approx(0.8884, abs=1e-4)
    assert row["meets_target"] is True
    assert row["recommended"] is True


def test_json_without_agents_lists_the_table_with_one_recommended_row() -> None:
    result = invoke(*ISSUE_LOAD, "--json")

    rows = strict_json(result.output)["rows"]
    assert [row["agents"] for row in rows] == list(range(11, 18))
    assert [row["agents"] for row in rows if row["recommended"]] == [14]
    assert [row["meets_target"] for row in rows] == [False] * 3 + [True] * 4


def test_json_for_an_unstable_count_is_still_valid_json() -> None:
    result = invoke(*ISSUE_LOAD, "--agents", "9", "--json")

    [row] = strict_json(result.output)["rows"]
    assert row["stable"] is False
    assert row["asa_seconds"] is None
    assert row["service_level"] == 0.0


def test_a_large_center_is_answered_quickly() -> None:
    result = invoke("--calls-per-hour", "10000", "--aht", "180", "--json")

    data = strict_json(result.output)
    assert result.exit_code == 0, result.output
    assert data["agents_needed"] == 510


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--calls-per-hour", "200", "--aht", "0"], "--aht"),
        (["--calls-per-hour", "-5", "--aht", "180"], "--calls-per-hour"),
        ([*ISSUE_LOAD, "--target", "1.5"], "--target"),
        ([*ISSUE_LOAD, "--within", "-1"], "--within"),
        ([*ISSUE_LOAD, "--agents", "0"], "--agents"),
        (["--aht", "180"], "--calls-per-hour"),
    ],
)
def test_bad_options_are_usage_errors_naming_the_option(args: list[str], option: str) -> None:
    result = invoke(*args)

    assert result.exit_code == 2
    assert option in result.output


def test_a_value_the_model_refuses_is_a_clear_error() -> None:
    result = invoke("--calls-per-hour", "nan", "--aht", "180")

    assert result.exit_code == 1
    assert "Error: calls per hour must be a finite number" in result.output


def test_runs_as_a_helpline_command_in_the_flask_cli(app: Flask, runner) -> None:
    result = runner.invoke(args=["staffing", *ISSUE_LOAD, "--agents", "14"])

    assert result.exit_code == 0, result.output
    assert "<- recommended" in result.output
