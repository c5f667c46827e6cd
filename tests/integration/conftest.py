"""Fixtures for the integration tests: stores that stop answering, in front of the real ones."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import make_url

from tests.integration.stalled import FreezingProxy, HungPostgres


@pytest.fixture
def hung_postgres() -> Iterator[HungPostgres]:
    server = HungPostgres()
    yield server
    server.close()


@pytest.fixture
def proxy(database_url: str) -> Iterator[FreezingProxy]:
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        pytest.skip("needs a real PostgreSQL server to stand in front of (TEST_DATABASE_URL)")
    server = FreezingProxy((url.host or "127.0.0.1", url.port or 5432))
    yield server
    server.close()
