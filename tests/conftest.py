"""Fixtures: an app on a fresh database and a flushed Redis per test, signed Twilio posts.

The database is SQLite by default (a copy of a migrated template file per test). With
``TEST_DATABASE_URL`` set to a PostgreSQL server, the same suite runs in a database made
for this run, migrated once, with every table emptied between tests.
"""

from __future__ import annotations

import os
import shutil
import textwrap
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
import responses
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from werkzeug.test import TestResponse

from app import create_app
from app.models import Base
from app.services import schema
from tests.support import (
    PUBLIC_BASE_URL,
    TEST_REDIS_URL,
    app_settings,
    sign,
)

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


def pytest_sessionstart(session: pytest.Session) -> None:
    """What ``test-artifacts/`` holds is of this run's failures (emptied once: with
    pytest-xdist, by the controller, not by each worker)."""
    if not hasattr(session.config, "workerinput"):
        shutil.rmtree(ARTIFACTS, ignore_errors=True)


@pytest.fixture(scope="session")
def database_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database for the run: a SQLite file to copy, or a PostgreSQL URL."""
    server_url = os.environ.get("TEST_DATABASE_URL")
    if not server_url:
        path = tmp_path_factory.mktemp("db") / "template.sqlite"
        schema.upgrade(f"sqlite:///{path}")
        yield f"sqlite:///{path}"
        return
    name = f"helpline_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    try:
        schema.upgrade(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def database_url(database_template: str, tmp_path: Path) -> Iterator[str]:
    """A database with the current schema and no rows, for one test."""
    if database_template.startswith("sqlite:///"):
        copy = tmp_path / "helpline.sqlite"
        shutil.copyfile(database_template.removeprefix("sqlite:///"), copy)
        yield f"sqlite:///{copy}"
        return
    yield database_template
    engine = create_engine(database_template)
    with engine.begin() as connection:
        empty_postgres(connection)
    engine.dispose()


def empty_postgres(connection: Any) -> None:
    """Every row deleted and every id counter back at 1. DELETEs, children first, and
    ``setval``: about 6 ms, where one TRUNCATE of the 29 tables takes about 180 ms (it makes
    new files for each table), which was half of the PostgreSQL suite's time."""
    tables = list(reversed(Base.metadata.sorted_tables))
    for table in tables:
        connection.execute(text(f'DELETE FROM "{table.name}"'))
    names = [table.name for table in tables if "id" in table.c]
    connection.execute(
        text(
            "SELECT setval(pg_get_serial_sequence(t, 'id'), 1, false) "
            "FROM unnest(CAST(:names AS text[])) AS t "
            "WHERE pg_get_serial_sequence(t, 'id') IS NOT NULL"
        ),
        {"names": names},
    )


@pytest.fixture
def redis_client() -> Iterator[redis.Redis]:
    """The test Redis database, empty at the start of each test."""
    client = redis.Redis.from_url(TEST_REDIS_URL)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@pytest.fixture
def app(database_url: str, redis_client: redis.Redis) -> Iterator[Flask]:
    """The app on this test's database and the flushed test Redis."""
    app = create_app(app_settings(DATABASE_URL=database_url))
    with app.app_context():
        yield app
    app.extensions["db.engine"].dispose()


@pytest.fixture
def make_app() -> Iterator[Callable[..., Flask]]:
    """Build more apps with other settings; their connections are closed after the test."""
    made: list[Flask] = []

    def make(**settings: Any) -> Flask:
        app = create_app(app_settings(**settings))
        made.append(app)
        return app

    yield make
    for app in made:
        app.extensions["db.engine"].dispose()
        app.extensions["redis"].close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def twilio_post(client: FlaskClient) -> Callable[..., TestResponse]:
    """Post a form to a webhook as Twilio would: signed against ``PUBLIC_BASE_URL``."""

    def post(path: str, params: dict[str, str] | None = None, **kwargs: Any) -> TestResponse:
        params = params or {}
        headers = {"X-Twilio-Signature": sign(PUBLIC_BASE_URL + path, params)}
        headers.update(kwargs.pop("headers", {}))
        return client.post(path, data=params, headers=headers, **kwargs)

    return post


@pytest.fixture
def twilio_api() -> Iterator[responses.RequestsMock]:
    """Twilio's REST API, the one fake: requests to it must be registered by the test."""
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


WriteFlow = Callable[..., Path]


@pytest.fixture
def write_flow(tmp_path: Path) -> WriteFlow:
    """Write YAML (dedented, first line = line 1) to ``<name>.yaml`` and return its path."""

    def write(text: str, name: str = "test_line") -> Path:
        path = tmp_path / f"{name}.yaml"
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return write
