"""``helpline simulate``: a what-if run as a table, side by side for two weights files, or JSON."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from app.cli.simulate import simulate_command
from routing.weights import DEFAULT_WEIGHTS_FILE

LOAD = ["--calls-per-hour", "100", "--aht", "240", "--agents", "7", "--hours", "2"]


def invoke(*args: str) -> Result:
    return CliRunner().invoke(simulate_command, list(args))


def lines_starting(result: Result, label: str) -> list[str]:
    return [line for line in result.output.splitlines() if line.startswith(label)]


def test_prints_service_level_asa_abandonment_and_wait_per_tier() -> None:
    result = invoke(*LOAD, "--patience", "120")

    assert result.exit_code == 0, result.output
    assert result.output.startswith("Simulated 2 h after 1 h warm-up: 100 calls/h, AHT 240 s")
    for label in ("service level (20 s)", "ASA", "abandoned", "occupancy", "longest wait"):
        assert len(lines_starting(result, label)) == 1, label
    tiers = [line.split()[0] for line in lines_starting(result, "  ")]
    assert tiers == ["platinum", "gold", "silver", "bronze"]


def test_compare_weights_runs_the_same_callers_under_both_files(tmp_path: Path) -> None:
    candidate = tmp_path / "gold-first.yaml"
    candidate.write_text(DEFAULT_WEIGHTS_FILE.read_text().replace("gold: 30", "gold: 60"))

    result = invoke(*LOAD, "--compare-weights", str(candidate))

    assert result.exit_code == 0, result.output
    header = result.output.splitlines()[2]
    assert header.split() == ["weights", "shipped", "weights", "gold-first.yaml"]
    offered = lines_starting(result, "offered")[0].split()
    assert offered[1] == offered[2]


def test_json_lists_one_result_per_weights_file() -> None:
    result = invoke(*LOAD, "--tiers", "gold=0.5,bronze=0.5", "--json")

    report = json.loads(result.output)
    assert result.exit_code == 0, result.output
    assert [run["weights"] for run in report["results"]] == ["shipped weights"]
    figures = report["results"][0]
    assert figures["offered"] == figures["answered"] + figures["abandoned"]
    assert [tier["tier"] for tier in figures["tiers"]] == ["gold", "bronze"]


def test_replay_reports_on_the_recorded_contacts(tmp_path: Path) -> None:
    recording = tmp_path / "calls.csv"
    recording.write_text("arrived_at,tier,handle_seconds\n1000,bronze,100\n1010,gold,30\n")

    result = invoke("--replay", str(recording), "--agents", "1", "--json")

    figures = json.loads(result.output)["results"][0]
    assert result.exit_code == 0, result.output
    assert (figures["offered"], figures["asa_seconds"], figures["longest_wait"]) == (2, 45.0, 90.0)


def test_a_bad_replay_file_fails_with_its_line(tmp_path: Path) -> None:
    recording = tmp_path / "calls.csv"
    recording.write_text("arrived_at,handle_seconds\n1000,soon\n")

    result = invoke("--replay", str(recording), "--agents", "1")

    assert result.exit_code == 1
    assert f"{recording}:2: handle_seconds: not a number: 'soon'" in result.output


def test_without_a_load_or_a_replay_it_says_what_is_missing() -> None:
    result = invoke("--agents", "3")

    assert result.exit_code == 1
    assert "give --calls-per-hour and --aht, or --replay FILE" in result.output


def test_a_malformed_tier_mix_is_a_usage_error() -> None:
    result = invoke(*LOAD, "--tiers", "gold=lots")

    assert result.exit_code == 2
    assert "expected name=share" in result.output
