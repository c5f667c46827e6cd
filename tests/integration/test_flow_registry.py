"""The flow registry under threads: nobody is served an empty set while flows load."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from app.services.calls import flow_registry
from app.services.calls.flow_registry import FlowRegistry
from ivr_flows import SHIPPED_FLOWS


def test_a_request_arriving_while_another_loads_the_flows_waits_for_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    registry = FlowRegistry(SHIPPED_FLOWS)
    real_load = flow_registry.load_flow
    loading = threading.Event()

    def slow_load(path: Any) -> Any:
        loading.set()
        time.sleep(0.05)  # a slow disk: the other request arrives meanwhile
        return real_load(path)

    monkeypatch.setattr(flow_registry, "load_flow", slow_load)
    first = threading.Thread(target=registry.current)
    first.start()
    loading.wait(timeout=5)

    seen = registry.current()

    first.join()
    assert seen.default_id is not None
    assert len(seen.flows) == len(registry.current().flows) > 0
