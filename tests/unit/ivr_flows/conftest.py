"""Fixtures for the flow core: flow files written into tmp_path, the shipped flows, fixed times."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ivr_flows import SHIPPED_FLOWS, Flow, load_flow, load_flows
from tests.conftest import WriteFlow


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
