"""The stores' circuit breaker: a store found not answering in time is skipped for a while,
then one call tries it again."""

from __future__ import annotations

import sqlite3

import psycopg
import pytest
import redis
from sqlalchemy import exc as sqlalchemy_errors

from app.deadline import DeadlineExceeded
from app.store_breaker import DATABASE, REDIS, StoreBreaker, store_at_fault


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def breaker(clock: FakeClock) -> StoreBreaker:
    return StoreBreaker(5.0, clock=clock)


def test_nothing_is_skipped_until_a_store_is_found_down(breaker):
    assert not breaker.skips(DATABASE) and not breaker.any_down


def test_a_store_found_down_is_skipped_for_its_time(breaker, clock):
    breaker.trip(DATABASE)
    clock.now += 4.9

    assert breaker.skips(DATABASE) and not breaker.skips(REDIS)


def test_past_its_time_one_call_tries_the_store_while_the_others_still_skip_it(breaker, clock):
    breaker.trip(DATABASE)
    clock.now += 5.0

    trying = breaker.skips(DATABASE)
    meanwhile = breaker.skips(DATABASE)

    assert (trying, meanwhile) == (False, True)


def test_a_store_that_answers_the_call_trying_it_is_used_again(breaker, clock):
    breaker.trip(DATABASE)
    clock.now += 5.0
    breaker.skips(DATABASE)

    breaker.answered(DATABASE)

    assert not breaker.skips(DATABASE) and not breaker.any_down


def test_a_store_that_fails_the_call_trying_it_is_skipped_for_another_while(breaker, clock):
    breaker.trip(DATABASE)
    clock.now += 5.0
    breaker.skips(DATABASE)
    clock.now += 1.0  # the call waited for it

    breaker.found(sqlite3.OperationalError("database is locked"))
    breaker.answered(DATABASE)  # another call, which never tried it, answers meanwhile
    clock.now += 4.9

    assert breaker.skips(DATABASE)


def test_a_store_answering_while_nothing_is_tried_changes_nothing(breaker):
    breaker.trip(REDIS)

    breaker.answered(REDIS)

    assert breaker.skips(REDIS)


def raised_in(module: str, error: BaseException) -> BaseException:
    """``error`` as raised by code of ``module`` (where a request was waiting)."""
    namespace = {"__name__": module, "error": error}
    exec("def wait():\n    raise error\n", namespace)
    try:
        namespace["wait"]()  # type: ignore[operator]
    except BaseException as caught:
        return caught
    raise AssertionError("not raised")


def wrapped(cause: BaseException) -> BaseException:
    """``cause`` as SQLAlchemy wraps a driver's error."""
    try:
        raise sqlalchemy_errors.OperationalError("SELECT 1", {}, cause) from cause
    except sqlalchemy_errors.OperationalError as error:
        return error


@pytest.mark.parametrize(
    ("error", "store"),
    [
        (wrapped(sqlite3.OperationalError("database is locked")), DATABASE),
        (wrapped(psycopg.errors.QueryCanceled("statement timeout")), DATABASE),
        (wrapped(psycopg.errors.LockNotAvailable("lock timeout")), DATABASE),
        (
            wrapped(psycopg.errors.ConnectionTimeout("connection timeout expired")),
            DATABASE,
        ),
        (redis.exceptions.TimeoutError("Timeout reading from socket"), REDIS),
        (raised_in("psycopg.waiting", DeadlineExceeded()), DATABASE),
        (raised_in("redis.connection", DeadlineExceeded()), REDIS),
        (raised_in("ivr_flows.engine", DeadlineExceeded()), None),
        (wrapped(psycopg.OperationalError("connection refused")), None),
        (redis.exceptions.ConnectionError("Connection refused"), None),
        (wrapped(sqlite3.OperationalError("no such table: tasks")), None),
        (RuntimeError("a bug in a flow"), None),
    ],
    ids=[
        "sqlite lock",
        "postgresql statement timeout",
        "postgresql lock timeout",
        "postgresql connect timeout",
        "redis timeout",
        "deadline in psycopg",
        "deadline in redis",
        "deadline in the flow engine",
        "postgresql refusing",
        "redis refusing",
        "another database error",
        "a bug",
    ],
)
def test_only_a_store_that_kept_a_call_waiting_is_found_down(error, store):
    assert store_at_fault(error) == store


def test_the_deadline_that_cut_a_database_wait_off_the_main_thread_finds_the_database():
    cut = raised_in("psycopg.connection", psycopg.OperationalError("server closed"))
    try:
        raise DeadlineExceeded("the webhook deadline passed") from cut
    except DeadlineExceeded as error:
        assert store_at_fault(error) == DATABASE
