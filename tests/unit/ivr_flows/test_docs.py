"""The format reference stays true: its example flow loads and passes the verifier."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from ivr_flows import parse_flow, verify_flow

REFERENCE = Path(__file__).resolve().parents[3] / "docs" / "flows.md"


def test_the_example_in_the_format_reference_passes_the_verifier() -> None:
    blocks = re.findall(r"```yaml\n(.*?)```", REFERENCE.read_text(encoding="utf-8"), re.S)

    flow = parse_flow(blocks[0], flow_id="example", source=str(REFERENCE))

    assert verify_flow(flow).ok
    assert all(yaml.safe_load(block) for block in blocks[1:])
