"""Log lines carry the call, message or job they are about."""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import Iterator

import pytest
from rq import Queue, SimpleWorker
from sqlalchemy import event

from app.log import ContextFilter
from tests.functional.voice import FALLBACK, destination, twiml
from tests.support import call_params

log = logging.getLogger("app.tests")


def log_from_a_job(text: str) -> str:
    """An RQ job that logs; importable by the worker."""
    log.warning(text)
    return text


def test_webhook_log_lines_carry_the_call_sid_and_mask_the_caller(client, caplog):
    params = call_params(From="+14155550123")

    client.post("/voice/fallback", data=params)  # unsigned: refused and logged

    record = next(r for r in caplog.records if "rejected webhook" in r.getMessage())
    assert record.context == f"CallSid={params['CallSid']}"


def test_log_lines_mask_phone_numbers(app, caplog):
    log.warning("caller %s pressed 0", "+14155550123")

    assert caplog.records[-1].getMessage() == "caller ***0123 pressed 0"


def test_job_log_lines_carry_the_job_id(app, redis_client, caplog):
    queue = Queue("default", connection=redis_client)
    job = queue.enqueue(log_from_a_job, "sending notice to +14155550123")

    SimpleWorker([queue], connection=redis_client).work(burst=True)

    record = next(r for r in caplog.records if r.name == "app.tests")
    assert record.context == f"job={job.id}"
    assert record.getMessage() == "sending notice to ***0123"


@pytest.fixture
def log_output(app) -> Iterator[io.StringIO]:
    """What the app's log handler writes, as an operator reads it."""
    handler = next(
        h
        for h in logging.getLogger("app").handlers
        if any(isinstance(f, ContextFilter) for f in h.filters)
    )
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous or sys.stderr)


def database_fails_on(app, statement: str) -> None:
    """The database refuses ``statement`` (the parameters it was given end up in the error)."""
    engine = app.extensions["db.engine"]

    def refuse(_conn, _cursor, sql, _params, _context, _many):  # type: ignore[no-untyped-def]
        if sql.startswith(statement):
            raise engine.dialect.loaded_dbapi.OperationalError("the disk is full")

    event.listen(engine, "before_cursor_execute", refuse)


def test_a_newline_in_an_unsigned_call_sid_cannot_forge_a_log_line(client, log_output):
    forged = "CA1\n2026-11-24 09:00:00,000 INFO app.voice [-] +14155550199 talked to an agent"

    refused = client.post("/voice/incoming", data=call_params(CallSid=forged))

    lines = log_output.getvalue().splitlines()
    assert refused.status_code == 403
    assert len(lines) == 1
    assert "rejected webhook" in lines[0]
    assert "[CallSid=CA1\\n2026-11-24 09:00:00,000 INFO app.voice [-] ***0199" in lines[0]


def test_a_failing_webhook_logs_its_traceback_with_the_callers_number_masked(
    app, twilio_post, log_output
):
    database_fails_on(app, "INSERT INTO interactions")

    root = twiml(twilio_post("/voice/incoming", call_params(From="+14155550123")))

    logged = log_output.getvalue()
    assert destination(root) == ("dial", FALLBACK)
    assert "4155550123" not in logged
    failure = next(record for record in records(logged) if "fallback line" in record[0])
    assert "Traceback (most recent call last)" in failure[1]
    assert any("[parameters:" in line and "***0123" in line for line in failure)


def records(logged: str) -> list[list[str]]:
    """The log's records: each a line at the margin and the indented lines under it."""
    grouped: list[list[str]] = []
    for line in logged.splitlines():
        if line[:1].isspace():
            grouped[-1].append(line)
        else:
            assert line[:4].isdigit(), f"a line that is not a record: {line!r}"
            grouped.append([line])
    return grouped


def test_an_exception_message_cannot_start_a_log_line_of_its_own(app, log_output):
    try:
        raise ValueError("bad\r\n2026-11-24 09:00:00,000 INFO app [-] all is well +14155550199")
    except ValueError:
        log.exception("lookup failed")

    [record] = records(log_output.getvalue())
    assert record[0].endswith("lookup failed")
    assert [line.strip() for line in record[-2:]] == [
        "ValueError: bad\\r",
        "2026-11-24 09:00:00,000 INFO app [-] all is well ***0199",
    ]
