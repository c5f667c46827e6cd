"""Fixtures for the routing core: the shipped weights."""

from __future__ import annotations

import pytest

from routing import Weights, default_weights


@pytest.fixture
def weights() -> Weights:
    """The weights shipped in routing/weights.yaml."""
    return default_weights()
