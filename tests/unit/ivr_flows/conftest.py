"""Fixtures for the flow core: flow files written into tmp_path, the shipped flows, fixed times."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from ivr_flows import SHIPPED_FLOWS, Flow, load_flow, load_flows

WriteFlow = Callable[..., Path]


@pytest.fixture
def write_flow(tmp_path: Path) -> WriteFlow:
    """Write YAML (dedented, first line = line 1) to ``<name>.yaml`` and return its path."""

    def write(text: str, name: str = "test_line") -> Path:
        path = tmp_path / f"{name}.yaml"
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return write


@pytest.fixture
def flow_from(write_flow: WriteFlow) -> Callable[[str], Flow]:
    """Write YAML to a file and load it as a flow."""

    def load(text: str) -> Flow:
        return load_flow(write_flow(text))

    return load


@pytest.fixture(scope="session")
def shipped() -> dict[str, Flow]:
    """The flows shipped in ivr_flows/flows, by id."""
    return {flow.id: flow for flow in load_flows([SHIPPED_FLOWS])}


@pytest.fixture(scope="session")
def main_line(shipped: dict[str, Flow]) -> Flow:
    """The Northwind main line."""
    return shipped["main"]
