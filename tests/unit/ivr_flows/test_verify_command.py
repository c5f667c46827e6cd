"""``helpline flows verify``: a thin command over the verifier."""

from __future__ import annotations

import json

from click.testing import CliRunner

from app.cli.flows import flows_cli
from tests.unit.ivr_flows.conftest import WriteFlow
from tests.unit.ivr_flows.support import line_of


def test_verify_checks_the_shipped_flows_by_default_and_prints_each_bound() -> None:
    result = CliRunner().invoke(flows_cli, ["verify"])

    assert result.exit_code == 0, result.output
    assert "ok   main (" in result.output
    assert "at most 4 prompt(s) before a person (max 4)" in result.output
    assert result.output.strip().endswith("all flows verified")


def test_verify_exits_1_with_file_and_line_for_each_error(write_flow: WriteFlow) -> None:
    path = write_flow(
        """
        languages: [en]
        start: greet
        nodes:
          greet: {type: say, prompt: Hello., next: nowhere}
        """
    )

    result = CliRunner().invoke(flows_cli, ["verify", str(path)])

    assert result.exit_code == 1
    assert f"{path}:{line_of(path, 'nowhere')}: say node 'greet' 'next' refers" in result.output


def test_verify_prints_json_for_machines(write_flow: WriteFlow) -> None:
    path = write_flow("languages: [en]\nstart: bye\nnodes: {bye: {type: hangup}}\n")

    result = CliRunner().invoke(flows_cli, ["verify", "--json", str(path)])

    data = json.loads(result.output)
    assert result.exit_code == 1
    assert data["ok"] is False
    assert data["flows"][0]["errors"][0]["line"] == 3
