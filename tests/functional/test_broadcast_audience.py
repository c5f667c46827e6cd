"""A broadcast's audience: the customers the incident touches who consent to service notices
on the channel (the latest choice decides), numbers Twilio did not refuse, plus texting
subscribers; each number once, counted before anything is sent."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import (
    Account,
    Channel,
    ConsentEvent,
    ConsentSource,
    Customer,
    Delivery,
    DeliveryState,
    Purpose,
    RecipientSource,
    StatusSubscription,
    SubscriptionState,
    Tier,
)
from app.services.broadcasts import audience, broadcasts
from app.services.incidents.lifecycle import Scope, open_incident

SERVICE = Purpose.SERVICE_NOTICES


def customer(
    phone: str,
    *,
    area: str = "Boston",
    service: str = "broadband",
    sms: tuple[bool, ...] = (True,),
    voice: tuple[bool, ...] = (),
    tier: Tier = Tier.BRONZE,
    **values: object,
) -> Customer:
    """A customer holding one account, with their consent choices in the order recorded."""
    values.setdefault("name", f"Customer {phone[-4:]}")
    person = Customer(phone=phone, tier=tier, **values)
    person.accounts = [Account(number=f"A{phone[-6:]}", service=service, service_area=area)]
    db.session.add(person)
    db.session.flush()
    for channel, choices in ((Channel.SMS, sms), (Channel.VOICE, voice)):
        for opted_in in choices:
            db.session.add(
                ConsentEvent(
                    customer_id=person.id,
                    channel=channel,
                    purpose=SERVICE,
                    opted_in=opted_in,
                    source=ConsentSource.WEB,
                )
            )
    db.session.commit()
    return person


def boston_broadband() -> int:
    scope = Scope.of(services=["broadband"], service_areas=["Boston"])
    return open_incident(db.session, "Broadband down in Boston", scope).id


def planned(broadcast_id: int) -> dict[str, Delivery]:
    rows = db.session.scalars(select(Delivery).where(Delivery.broadcast_id == broadcast_id))
    return {row.phone: row for row in rows}


def test_only_touched_consenting_customers_with_good_numbers_are_planned(app) -> None:
    incident = boston_broadband()
    customer("+16175550101")
    customer("+16175550102", sms=(True, False))  # opted out later
    customer("+16175550103", sms=(False, True))  # opted back in
    customer("+16175550104", sms=())  # never asked: no
    customer("+16175550105", service="mobile")  # mobile in Boston: not touched
    customer("+13055550106", area="Miami")  # broadband elsewhere
    customer("+16175550107", phone_invalid_at=datetime(2026, 12, 1, tzinfo=UTC))
    customer("+16175550108", sms=(), voice=(True,))  # voice only

    made = broadcasts.create(db.session, incident, "Broadband is down; back by 6 pm.")

    assert set(planned(made.broadcast.id)) == {"+16175550101", "+16175550103"}
    assert made.broadcast.audience == made.planned.total == 2
    assert all(d.state is DeliveryState.PENDING for d in planned(made.broadcast.id).values())


def test_a_voice_broadcast_follows_voice_consent(app) -> None:
    incident = boston_broadband()
    customer("+16175550101")
    customer("+16175550108", sms=(), voice=(True,))

    made = broadcasts.create(db.session, incident, "Broadband is down.", channel="voice")

    assert set(planned(made.broadcast.id)) == {"+16175550108"}


def test_subscribers_join_a_text_broadcast_once_and_opted_out_ones_never(app) -> None:
    incident = boston_broadband()
    customer("+16175550101")
    customer("+14155550199", area="Miami", sms=(True, False))  # subscribed, then STOP
    for phone, state, about in (
        ("+16175550101", SubscriptionState.ACTIVE, incident),  # also a customer: once
        ("+14155550123", SubscriptionState.ACTIVE, None),  # all incidents
        ("+14155550124", SubscriptionState.PENDING, incident),  # never said YES
        ("+14155550199", SubscriptionState.ACTIVE, incident),
    ):
        db.session.add(StatusSubscription(phone=phone, state=state, incident_id=about, token=phone))
    db.session.commit()

    made = broadcasts.create(db.session, incident, "Broadband is down.")

    rows = planned(made.broadcast.id)
    assert set(rows) == {"+16175550101", "+14155550123"}
    assert rows["+16175550101"].source is RecipientSource.CUSTOMER
    assert rows["+14155550123"].source is RecipientSource.SUBSCRIBER
    assert (made.planned.customers, made.planned.subscribers) == (1, 1)


def test_tier_waves_put_platinum_first(app) -> None:
    incident = boston_broadband()
    for n, tier in enumerate((Tier.BRONZE, Tier.PLATINUM, Tier.GOLD, Tier.SILVER)):
        customer(f"+1617555020{n}", tier=tier)

    made = broadcasts.create(db.session, incident, "Down.", tier_waves=True)

    waves = {row.phone: row.wave for row in planned(made.broadcast.id).values()}
    assert waves == {"+16175550200": 3, "+16175550201": 0, "+16175550202": 1, "+16175550203": 2}


def test_the_all_clear_goes_only_to_those_an_earlier_message_reached(app) -> None:
    incident = boston_broadband()
    for n in range(3):
        customer(f"+1617555030{n}")
    first = broadcasts.create(db.session, incident, "Down.")
    rows = planned(first.broadcast.id)
    rows["+16175550300"].state = DeliveryState.DELIVERED
    rows["+16175550301"].state = DeliveryState.FAILED
    db.session.commit()
    customer("+16175550309")  # became a customer since: never told of it

    clear = broadcasts.create(db.session, incident, "All clear.", all_clear=True)

    assert set(planned(clear.broadcast.id)) == {"+16175550300"}


def test_the_command_prints_the_audience_and_status(app, runner) -> None:
    incident = boston_broadband()
    customer("+16175550101")

    made = runner.invoke(args=["broadcast", "create", str(incident), "--text", "Down."])
    shown = runner.invoke(args=["broadcast", "status", "1", "--json"])

    assert made.exit_code == 0 and "Broadcast 1: 1 recipients (1 customers" in made.output
    status = json.loads(shown.output)
    assert (status["state"], status["audience"], status["pending"], status["sent"]) == (
        "planned",
        1,
        1,
        0,
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["create", "99", "--text", "x"], "There is no incident 99."),
        (["create", "1", "--text", "  "], "as a script's name or as text (one of them)"),
        (["create", "1", "--script", "nope"], "There is no script named 'nope'."),
        (["create", "1", "--text", "{{ ''.__class__ }}"], "The message cannot be sent: ad_hoc"),
        (["create", "1", "--text", "x" * 1601], "at most 1,600"),
        (["status", "5"], "There is no broadcast 5."),
    ],
)
def test_bad_requests_are_refused_plainly(app, runner, args, message) -> None:
    boston_broadband()

    result = runner.invoke(args=["broadcast", *args])

    assert result.exit_code == 1 and message in result.output


def test_planning_again_writes_nobody_twice(app) -> None:
    incident = boston_broadband()
    customer("+16175550101")
    customer("+16175550102")
    made = broadcasts.create(db.session, incident, "Down.")

    again = audience.plan(db.session, made.broadcast)

    assert (again.customers, again.subscribers) == (2, 0)  # the whole audience, once
    assert made.broadcast.audience == 2 and len(planned(made.broadcast.id)) == 2


def test_the_all_clear_script_goes_only_to_those_told_before(app) -> None:
    incident = boston_broadband()
    customer("+16175550301")
    first = broadcasts.create(db.session, incident, "Down.")
    planned(first.broadcast.id)["+16175550301"].state = DeliveryState.SENT
    db.session.commit()
    customer("+16175550309")  # never told

    clear = broadcasts.create(db.session, incident, script="all_clear")

    assert set(planned(clear.broadcast.id)) == {"+16175550301"}
    assert clear.broadcast.options["all_clear"] is True
