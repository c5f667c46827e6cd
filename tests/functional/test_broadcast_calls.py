"""Voice broadcasts end to end: calls placed at their own rate with answering-machine
detection, what a person, a machine and a fax hear, 0 for a person, status callbacks on
the deliveries, and the same guarantees as texts (a dead worker's call looked up in
Twilio's Calls list, never placed twice; pause and cancel obeyed). Twilio's Calls API is
mocked with its documented shapes (``app.twilio.stub_shapes``)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from rq import Queue
from sqlalchemy import select

from app.extensions import db
from app.models import Delivery, DeliveryState, Interaction, utcnow
from app.services.broadcasts import broadcasts, pacing, sender, sending_run
from app.services.incidents.lifecycle import IncidentError
from app.services.texting import numbers
from app.twilio import stub_shapes
from tests.functional.test_broadcast_audience import boston_broadband, customer
from tests.functional.voice import FALLBACK, OPEN, destination, spoken, staff_queues, twiml
from tests.integration.test_fault_messages import InProcessWorker
from tests.support import ACCOUNT_SID, PUBLIC_BASE_URL, call_params

CALLS = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Calls.json"
OUR_NUMBER = "+15558675310"  # the main line's number: 0 goes where it goes there
TEXT = "Broadband is down in Boston; back by 6 pm."
PHONES = ("+16175550101", "+16175550102", "+16175550103")


class TwilioCalls:
    """Twilio's Calls resource: records every create, answers with the documented 201
    body or the error queued for a number; lists what a test put there."""

    def __init__(self, mock: responses.RequestsMock) -> None:
        self.created: list[dict[str, Any]] = []
        self.errors: dict[str, list[tuple[int, int]]] = {}
        self.listed: list[dict[str, Any]] = []  # dialled calls (StartTime>=)
        self.queued: list[dict[str, Any]] = []  # not dialled yet (Status=queued)
        self.list_queries: list[dict[str, str]] = []
        mock.add_callback("POST", CALLS, callback=self._create)
        mock.add_callback("GET", re.compile(re.escape(CALLS) + r".*"), callback=self._list)

    def _create(self, request: Any) -> tuple[int, dict[str, str], str]:
        form = parse_qs(request.body)
        to = form["To"][0]
        queued = self.errors.get(to)
        if queued:
            status, code = queued.pop(0)
            return status, {}, json.dumps(stub_shapes.error(code, "refused", status))
        sid = f"CA{len(self.created) + 1:032x}"
        self.created.append(
            {"sid": sid, **{k: v if k == "StatusCallbackEvent" else v[0] for k, v in form.items()}}
        )
        body = stub_shapes.call(ACCOUNT_SID, sid, to, form["From"][0], datetime.now(UTC))
        return 201, {}, json.dumps(body)

    def _list(self, request: Any) -> tuple[int, dict[str, str], str]:
        query = {k: v[0] for k, v in parse_qs(urlsplit(request.url).query).items()}
        self.list_queries.append(query)
        calls = self.queued if query.get("Status") == "queued" else self.listed
        return 200, {}, json.dumps(stub_shapes.page("calls", calls, "/", request.url, 20))

    def to(self, phone: str) -> list[dict[str, Any]]:
        return [c for c in self.created if c["To"] == phone]


@pytest.fixture
def twilio(app, monkeypatch):  # type: ignore[no-untyped-def]
    app.config.update(TWILIO_NUMBER=OUR_NUMBER, BROADCAST_CPS=0, BROADCAST_JOBS=2)
    monkeypatch.setattr(sender, "RETRY_BASE_SECONDS", 0.01)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield TwilioCalls(mock)


def work(redis_client) -> None:  # type: ignore[no-untyped-def]
    queue = Queue("broadcasts", connection=redis_client)
    InProcessWorker([queue], connection=redis_client).work(burst=True)
    db.session.expire_all()


def planned(*phones: str, language: str = "en", text: str = TEXT, script: str = "") -> int:
    incident = boston_broadband()
    for phone in phones:
        customer(phone, sms=(), voice=(True,), language=language)
    made = broadcasts.create(
        db.session, incident, text if not script else "", "voice", script=script,
        quiet_hours=False,
    )  # fmt: skip
    return made.broadcast.id


def deliveries(broadcast_id: int) -> dict[str, Delivery]:
    rows = db.session.scalars(select(Delivery).where(Delivery.broadcast_id == broadcast_id))
    return {row.phone: row for row in rows}


def sent(twilio: TwilioCalls, redis_client, *phones: str, **kwargs: Any) -> dict[str, Delivery]:  # type: ignore[no-untyped-def]
    """A voice broadcast to ``phones``, every call placed; its deliveries."""
    broadcast_id = planned(*phones, **kwargs)
    sending_run.control(db.session, broadcast_id, "start")
    work(redis_client)
    return deliveries(broadcast_id)


def answered_params(delivery: Delivery, answered_by: str, **more: str) -> dict[str, str]:
    """What Twilio posts to the call's Url once AMD has decided (``more`` overrides)."""
    params = call_params(
        CallSid=delivery.sid or "CA" + "f" * 32,
        From=OUR_NUMBER,
        To=delivery.phone,
        Direction="outbound-api",
        CallStatus="in-progress",
        AnsweredBy=answered_by,
    )
    return {**params, **more}


def path_of(url: str) -> str:
    """An absolute webhook URL as the path and query the test client posts to."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_every_recipient_is_called_once_with_machine_detection_and_our_webhooks(
    app, redis_client, twilio
) -> None:
    rows = sent(twilio, redis_client, *PHONES)

    assert sorted(c["To"] for c in twilio.created) == sorted(PHONES)
    first = twilio.created[0]
    delivery = rows[first["To"]]
    assert first["From"] == OUR_NUMBER and first["Method"] == "POST"
    assert first["Url"] == f"{PUBLIC_BASE_URL}/voice/broadcast?d={delivery.id}&l=en"
    assert (
        first["StatusCallback"] == f"{PUBLIC_BASE_URL}/voice/broadcast-status?d={delivery.id}&l=en"
    )
    assert first["StatusCallbackEvent"] == ["initiated", "ringing", "answered", "completed"]
    assert first["MachineDetection"] == "DetectMessageEnd"
    assert {d.state for d in rows.values()} == {DeliveryState.SENT}
    assert {d.sid for d in rows.values()} == {c["sid"] for c in twilio.created}
    assert delivery.body == f"{TEXT} Press 0 to speak to a person."  # kept: what it says
    status = broadcasts.status(db.session, delivery.broadcast_id)
    assert (status["channel"], status["state"], status["sent"]) == ("voice", "done", 3)


def test_calls_take_their_turn_from_their_own_bucket_at_broadcast_cps(app) -> None:
    app.config.update(BROADCAST_CPS=1, BROADCAST_MPS=10)
    voice = planned(PHONES[0])

    bucket = sender.bucket_for(broadcasts.find(db.session, voice))

    assert (bucket.rate, bucket.key) == (1.0, pacing.CALLS_KEY)
    assert pacing.CALLS_KEY != pacing.KEY


def test_a_library_script_is_said_in_each_recipients_language(app, redis_client, twilio) -> None:
    incident = boston_broadband()
    customer(PHONES[0], sms=(), voice=(True,), name="Ana Lopez", language="es")
    customer(PHONES[1], sms=(), voice=(True,), name="Bob Stone")
    made = broadcasts.create(
        db.session, incident, "", "voice", script="first_notice", quiet_hours=False
    )
    sending_run.control(db.session, made.broadcast.id, "start")
    work(redis_client)

    rows = deliveries(made.broadcast.id)

    assert "Ana" in rows[PHONES[0]].body and rows[PHONES[0]].body.endswith(
        "Oprima 0 para hablar con una persona."
    )
    assert "Bob" in rows[PHONES[1]].body and "http" not in rows[PHONES[1]].body
    assert twilio.to(PHONES[0])[0]["Url"].endswith("&l=es")


def test_a_person_hears_the_message_and_may_press_0(app, redis_client, twilio, twilio_post) -> None:
    delivery = sent(twilio, redis_client, PHONES[0])[PHONES[0]]

    root = twiml(
        twilio_post(f"/voice/broadcast?d={delivery.id}&l=en", answered_params(delivery, "human"))
    )

    gather = root.find("Gather")
    assert gather is not None and gather.get("numDigits") == "1"
    assert path_of(gather.get("action", "")) == f"/voice/broadcast-key?d={delivery.id}&l=en&r=0"
    assert spoken(root) == f"{TEXT} Press 0 to speak to a person."
    db.session.expire_all()
    assert db.session.get(Delivery, delivery.id).answered_by == "human"


def test_a_silent_answer_is_treated_as_a_person(app, redis_client, twilio, twilio_post) -> None:
    delivery = sent(twilio, redis_client, PHONES[0])[PHONES[0]]

    root = twiml(
        twilio_post(f"/voice/broadcast?d={delivery.id}&l=en", answered_params(delivery, "unknown"))
    )

    assert root.find("Gather") is not None


@pytest.mark.parametrize(
    "machine", ["machine_end_beep", "machine_end_silence", "machine_end_other"]
)
def test_a_machine_gets_the_message_after_its_beep_and_how_to_call_us(
    app, redis_client, twilio, twilio_post, machine
) -> None:
    delivery = sent(twilio, redis_client, PHONES[0])[PHONES[0]]

    root = twiml(
        twilio_post(f"/voice/broadcast?d={delivery.id}&l=en", answered_params(delivery, machine))
    )

    assert root.find("Gather") is None and root.find("Hangup") is not None
    heard = spoken(root)
    assert heard.startswith(TEXT) and "Press 0" not in heard
    assert heard.endswith("To speak to a person, call us at 5 5 5, 8 6 7, 5 3 1 0.")


def test_a_fax_is_hung_up_on_and_counts_as_not_delivered(
    app, redis_client, twilio, twilio_post
) -> None:
    delivery = sent(twilio, redis_client, PHONES[0])[PHONES[0]]
    params = answered_params(delivery, "fax")

    root = twiml(twilio_post(f"/voice/broadcast?d={delivery.id}&l=en", params))
    twilio_post(
        f"/voice/broadcast-status?d={delivery.id}&l=en",
        {**params, "CallStatus": "completed", "CallDuration": "3"},
    )

    assert [child.tag for child in root] == ["Hangup"]
    db.session.expire_all()
    done = db.session.get(Delivery, delivery.id)
    assert (done.state, done.answered_by, done.call_status) == (
        DeliveryState.FAILED,
        "fax",
        "completed",
    )


def test_a_spanish_recipient_hears_spanish(app, redis_client, twilio, twilio_post) -> None:
    delivery = sent(twilio, redis_client, PHONES[0], language="es", script="first_notice")[
        PHONES[0]
    ]

    root = twiml(
        twilio_post(f"/voice/broadcast?d={delivery.id}&l=es", answered_params(delivery, "human"))
    )

    assert {say.get("language") for say in root.iter("Say")} == {"es-US"}
    assert spoken(root).endswith("Oprima 0 para hablar con una persona.")


def test_pressing_0_puts_the_person_in_the_queues_as_a_live_call(
    app, redis_client, twilio, twilio_post
) -> None:
    app.config.update(CLOCK=lambda: OPEN)
    staff_queues(app)
    delivery = sent(twilio, redis_client, PHONES[0])[PHONES[0]]
    params = answered_params(delivery, "human", Digits="0")

    root = twiml(twilio_post(f"/voice/broadcast-key?d={delivery.id}&l=en&r=0", params))

    assert destination(root) == ("queue", "general")
    db.session.expire_all()
    assert db.session.get(Delivery, delivery.id).asked_for_person
    record = db.session.scalars(
        select(Interaction).where(Interaction.twilio_sid == params["CallSid"])
    ).one()
    assert (record.from_number, record.customer_id) == (PHONES[0], delivery.customer_id)


def test_pressing_0_with_nobody_logged_in_still_reaches_a_person(
    app, redis_client, twilio, twilio_post
) -> None:
    app.config.update(CLOCK=lambda: OPEN)
    delivery = sent(twilio, redis_client, PHONES[0])[PHONES[0]]

    root = twiml(
        twilio_post(
            f"/voice/broadcast-key?d={delivery.id}&l=en&r=0",
            answered_params(delivery, "human", Digits="0"),
        )
    )

    assert destination(root) == ("dial", FALLBACK)  # then a message, a callback task


def test_silence_hears_the_message_once_more_then_goodbye(
    app, redis_client, twilio, twilio_post
) -> None:
    delivery = sent(twilio, redis_client, PHONES[0])[PHONES[0]]
    params = answered_params(delivery, "human")

    again = twiml(twilio_post(f"/voice/broadcast-key?d={delivery.id}&l=en&r=0", params))
    after = twiml(twilio_post(f"/voice/broadcast-key?d={delivery.id}&l=en&r=1", params))

    assert spoken(again) == f"Here is the message again. {TEXT} Press 0 to speak to a person."
    assert again.find("Gather").get("action", "").endswith("&r=1")
    assert spoken(after) == "Thank you. Goodbye." and after.find("Hangup") is not None


def status_of(twilio_post, delivery: Delivery, status: str, **more: str) -> Delivery:  # type: ignore[no-untyped-def]
    params = answered_params(delivery, more.pop("AnsweredBy", ""), CallStatus=status, **more)
    response = twilio_post(f"/voice/broadcast-status?d={delivery.id}&l=en", params)
    assert response.status_code == 200
    db.session.expire_all()
    return db.session.get(Delivery, delivery.id)


def test_a_completed_call_is_delivered_and_a_late_ringing_changes_nothing(
    app, redis_client, twilio, twilio_post
) -> None:
    delivery = sent(twilio, redis_client, PHONES[0])[PHONES[0]]

    status_of(twilio_post, delivery, "in-progress", AnsweredBy="human")
    done = status_of(twilio_post, delivery, "completed", AnsweredBy="human", CallDuration="41")
    late = status_of(twilio_post, delivery, "ringing")

    assert (done.state, done.answered_by, done.call_status) == (
        DeliveryState.DELIVERED,
        "human",
        "completed",
    )
    assert late.state is DeliveryState.DELIVERED
    assert broadcasts.status(db.session, delivery.broadcast_id)["delivered"] == 1


@pytest.mark.parametrize(
    ("status", "code"),
    [("busy", None), ("no-answer", None), ("failed", "13224"), ("canceled", None)],
)
def test_a_call_nobody_answered_fails_with_its_reason(
    app, redis_client, twilio, twilio_post, status, code
) -> None:
    delivery = sent(twilio, redis_client, PHONES[0])[PHONES[0]]

    failed = status_of(twilio_post, delivery, status, **({"ErrorCode": code} if code else {}))

    assert (failed.state, failed.call_status) == (DeliveryState.FAILED, status)
    assert failed.error_code == (int(code) if code else None)


def test_a_callback_before_the_worker_recorded_the_sid_records_it(app, twilio, twilio_post) -> None:
    broadcast_id = planned(PHONES[0])
    sending_run.control(db.session, broadcast_id, "start")
    held = sender.claim(db.session, broadcast_id, "host:1:abc", 1)[0]
    delivery = db.session.get(Delivery, held.id)
    delivery.sid = None

    initiated = status_of(twilio_post, delivery, "initiated", CallSid="CA" + "7" * 32)
    sender.record(
        db.session, "host:1:abc", [sender.Outcome(held.id, DeliveryState.SENT, "CA" + "7" * 32)]
    )

    db.session.expire_all()
    assert (initiated.state, initiated.sid) == (DeliveryState.SENT, "CA" + "7" * 32)
    assert db.session.get(Delivery, held.id).state is DeliveryState.SENT


def test_an_unsigned_broadcast_webhook_is_refused_and_records_nothing(
    app, client, redis_client, twilio
) -> None:
    delivery = sent(twilio, redis_client, PHONES[0])[PHONES[0]]
    params = answered_params(delivery, "human", CallStatus="completed")

    refused = [
        client.post(f"/voice/broadcast-status?d={delivery.id}&l=en", data=params),
        client.post(
            f"/voice/broadcast?d={delivery.id}&l=en",
            data=params,
            headers={"X-Twilio-Signature": "forged"},
        ),
        client.post(
            f"/voice/broadcast-key?d={delivery.id}&l=en&r=0", data={**params, "Digits": "0"}
        ),
    ]

    assert [r.status_code for r in refused] == [403, 403, 403]
    db.session.expire_all()
    same = db.session.get(Delivery, delivery.id)
    assert (same.state, same.answered_by, same.asked_for_person) == (
        DeliveryState.SENT,
        None,
        False,
    )


def test_429_is_tried_again_and_a_permanent_error_is_not(app, redis_client, twilio) -> None:
    broadcast_id = planned(*PHONES)
    twilio.errors = {
        PHONES[0]: [(429, 20429), (503, 20003)],
        PHONES[1]: [(400, 21215)],
        PHONES[2]: [(400, 21211)],
    }

    sending_run.control(db.session, broadcast_id, "start")
    work(redis_client)

    rows = deliveries(broadcast_id)
    assert len(twilio.to(PHONES[0])) == 1 and rows[PHONES[0]].state is DeliveryState.SENT
    assert (rows[PHONES[1]].state, rows[PHONES[1]].error_code) == (DeliveryState.FAILED, 21215)
    assert twilio.to(PHONES[1]) == [] and twilio.to(PHONES[2]) == []
    assert numbers.refusal(db.session, PHONES[2]) == numbers.INVALID
    assert numbers.refusal(db.session, PHONES[1]) is None  # no opt-out, no invalid number


def test_someone_who_opted_out_of_calls_since_the_plan_is_not_called(
    app, redis_client, twilio
) -> None:
    from app.models import Channel, ConsentEvent, ConsentSource, Purpose

    broadcast_id = planned(*PHONES)
    row = deliveries(broadcast_id)[PHONES[2]]
    db.session.add(
        ConsentEvent(
            customer_id=row.customer_id, channel=Channel.VOICE, purpose=Purpose.SERVICE_NOTICES,
            opted_in=False, source=ConsentSource.AGENT,
        )
    )  # fmt: skip
    db.session.commit()

    sending_run.control(db.session, broadcast_id, "start")
    work(redis_client)

    assert twilio.to(PHONES[2]) == []
    assert deliveries(broadcast_id)[PHONES[2]].state is DeliveryState.SKIPPED


def claimed_by_a_dead_worker(broadcast_id: int, phone: str) -> Delivery:
    row = deliveries(broadcast_id)[phone]
    row.state, row.claimed_by = DeliveryState.CLAIMED, "dead-host:1:abc"
    row.body = f"{TEXT} Press 0 to speak to a person."  # rendered, then the worker died
    row.claimed_at = utcnow() - timedelta(seconds=sender.STALE_SECONDS + 5)
    db.session.commit()
    return row


def a_call(sid: str, phone: str, created: datetime, status: str = "completed") -> dict[str, Any]:
    started = created if status != "queued" else None
    return stub_shapes.call(ACCOUNT_SID, sid, phone, OUR_NUMBER, created, status, started)


@pytest.mark.parametrize("status", ["completed", "queued"])
def test_a_dead_workers_call_that_twilio_placed_is_recorded_not_placed_again(
    app, redis_client, twilio, status
) -> None:
    broadcast_id = planned(*PHONES)
    row = claimed_by_a_dead_worker(broadcast_id, PHONES[0])
    placed = a_call(
        "CA" + "d" * 32, PHONES[0], utcnow() - timedelta(seconds=sender.STALE_SECONDS), status
    )
    if status == "queued":
        twilio.queued = [placed]  # not dialled yet: no start time, so only Status=queued finds it
    else:
        twilio.listed = [placed]

    sending_run.control(db.session, broadcast_id, "start")
    work(redis_client)

    assert twilio.to(PHONES[0]) == []
    recovered = deliveries(broadcast_id)[PHONES[0]]
    assert (recovered.state, recovered.sid) == (DeliveryState.SENT, "CA" + "d" * 32)
    asked = [q for q in twilio.list_queries if q["To"] == PHONES[0]]
    assert {q.get("From") for q in asked} == {OUR_NUMBER}
    assert {"StartTime>": row.claimed_at.date().isoformat()}.items() <= asked[0].items()
    assert sorted(c["To"] for c in twilio.created) == sorted(PHONES[1:])


def test_a_dead_workers_claim_twilio_never_got_is_called_once(app, redis_client, twilio) -> None:
    broadcast_id = planned(*PHONES)
    claimed_by_a_dead_worker(broadcast_id, PHONES[0])
    yesterday = utcnow() - timedelta(days=1)
    twilio.listed = [a_call("CA" + "e" * 32, PHONES[0], yesterday)]  # an earlier call

    sending_run.control(db.session, broadcast_id, "start")
    work(redis_client)

    assert len(twilio.to(PHONES[0])) == 1
    assert deliveries(broadcast_id)[PHONES[0]].state is DeliveryState.SENT


def test_a_paused_voice_broadcast_calls_nobody_until_resumed(app, redis_client, twilio) -> None:
    broadcast_id = planned(*PHONES)

    sending_run.control(db.session, broadcast_id, "start")
    sending_run.control(db.session, broadcast_id, "pause")
    work(redis_client)
    while_paused = len(twilio.created)
    sending_run.control(db.session, broadcast_id, "resume")
    work(redis_client)

    assert while_paused == 0
    assert sorted(c["To"] for c in twilio.created) == sorted(PHONES)


def test_a_cancelled_voice_broadcast_calls_nobody(app, redis_client, twilio, runner) -> None:
    broadcast_id = planned(*PHONES)

    cancelled = runner.invoke(args=["broadcast", "cancel", str(broadcast_id)])
    work(redis_client)

    assert cancelled.exit_code == 0 and twilio.created == []
    assert {d.state for d in deliveries(broadcast_id).values()} == {DeliveryState.SKIPPED}


def test_a_voice_broadcast_cannot_start_without_a_public_url(app, twilio) -> None:
    app.config.update(PUBLIC_BASE_URL="")
    broadcast_id = planned(PHONES[0])

    with pytest.raises(IncidentError, match="PUBLIC_BASE_URL"):
        sending_run.control(db.session, broadcast_id, "start")

    assert broadcasts.status(db.session, broadcast_id)["state"] == "planned"


@pytest.mark.parametrize("unset", ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"])
def test_a_broadcast_cannot_start_without_twilio_credentials(app, twilio, unset) -> None:
    app.config[unset] = ""  # a local demo's settings
    broadcast_id = planned(PHONES[0])

    with pytest.raises(IncidentError, match="Twilio is not configured"):
        sending_run.control(db.session, broadcast_id, "start")

    assert broadcasts.status(db.session, broadcast_id)["state"] == "planned"


def test_broadcast_status_counts_who_answered_the_calls(
    app, redis_client, twilio, twilio_post, runner
) -> None:
    rows = sent(twilio, redis_client, *PHONES)
    person, machine, nobody = (rows[p] for p in PHONES)
    status_of(twilio_post, person, "completed", AnsweredBy="human")
    status_of(twilio_post, machine, "completed", AnsweredBy="machine_end_beep")
    status_of(twilio_post, nobody, "no-answer")

    shown = runner.invoke(args=["broadcast", "status", str(person.broadcast_id), "--json"])
    said = runner.invoke(args=["broadcast", "status", str(person.broadcast_id)])

    found = json.loads(shown.output)
    assert (found["delivered"], found["failed"], found["sent"]) == (2, 1, 0)
    assert (found["answered_by_person"], found["answered_by_machine"]) == (1, 1)
    assert "answered by a person 1, by a machine 1, asked for a person 0" in said.output
