"""Log lines carry the call, message or job they are about."""

from __future__ import annotations

import logging

from rq import Queue, SimpleWorker

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
