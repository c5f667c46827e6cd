"""The customer 360 and its search, for every staff role, safe against any query."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.extensions import db
from app.models import (
    Case,
    Channel,
    ConsentSource,
    Customer,
    Direction,
    Interaction,
    InteractionChannel,
    Purpose,
    Role,
    utcnow,
)
from app.services.customers.consent import record_consent
from tests.functional.contact_calls import known_customer
from tests.functional.logins import Browser, staff


def logged_in(app, role: Role = Role.SUPERVISOR) -> Browser:  # type: ignore[no-untyped-def]
    user = staff(f"{role.value}@example.com")
    user.role = role
    db.session.commit()
    browser = Browser.of(app)
    assert browser.log_in(user.email).status_code == 200
    return browser


def get(browser: Browser, path: str):  # type: ignore[no-untyped-def]
    return browser.open("GET", path)


@pytest.mark.parametrize("role", [Role.AGENT, Role.SUPERVISOR, Role.ADMIN])
def test_every_staff_role_may_search_customers(app, role):
    known_customer()
    browser = logged_in(app, role)

    response = get(browser, "/api/customers?q=grace")

    assert response.status_code == 200
    assert [c["name"] for c in response.get_json()["customers"]] == ["Grace Hopper"]


def test_nobody_logged_in_gets_401(client):
    assert client.get("/api/customers?q=grace").status_code == 401
    assert client.get("/api/customers/1").status_code == 401


@pytest.mark.parametrize(
    "typed", ["(415) 555-0123", "415.555.0123", "+1 415 555 0123", "4155550123"]
)
def test_a_phone_number_is_found_in_any_format_the_agent_types(app, typed):
    customer = known_customer()
    browser = logged_in(app)

    found = get(browser, f"/api/customers?q={typed}").get_json()["customers"]

    assert [(c["id"], c["matched"]) for c in found] == [(customer.id, "phone")]


def test_an_account_number_finds_its_holder(app):
    customer = known_customer()

    found = get(logged_in(app), "/api/customers?q=12345678").get_json()["customers"]

    assert [(c["id"], c["matched"]) for c in found] == [(customer.id, "account")]


def test_names_match_case_insensitively_and_are_paged(app):
    for n in range(3):
        known_customer(f"+1415555020{n}", f"Ada Lovelace {n}", f"9000000{n}")
    db.session.add(Customer(phone="+14155550300", name="100% Real_Name"))
    db.session.commit()
    browser = logged_in(app)

    first = get(browser, "/api/customers?q=LOVELACE&limit=2").get_json()
    second = get(browser, f"/api/customers?q=lovelace&limit=2&offset={first['next_offset']}")

    assert [c["name"] for c in first["customers"]] == ["Ada Lovelace 0", "Ada Lovelace 1"]
    assert [c["name"] for c in second.get_json()["customers"]] == ["Ada Lovelace 2"]
    assert second.get_json()["next_offset"] is None
    assert len(get(browser, "/api/customers?q=0%25").get_json()["customers"]) == 1  # "%" literal


@pytest.mark.parametrize(
    "query",
    ["", "q=", "q=a", "q=%20%20", "q=" + "x" * 101, "q=ab&limit=0", "q=ab&limit=x", "q=a%00b"],
)
def test_an_empty_short_or_odd_query_is_a_400_with_a_reason(app, query):
    response = get(logged_in(app), f"/api/customers?{query}")

    assert response.status_code == 400
    assert response.get_json()["error"]


@pytest.mark.parametrize(
    "query", ["q=%ED%A0%80%ED%A0%80", "q=<script>x</script>", "q=%F0%9F%98%80ab"]
)
def test_hostile_queries_find_nothing_and_never_fail(app, query):
    response = get(logged_in(app), f"/api/customers?{query}")

    assert response.status_code == 200
    assert response.get_json()["customers"] == []


def test_the_360_shows_profile_accounts_open_cases_history_and_latest_consent(app, desk):
    customer = known_customer()
    db.session.add(Case(customer_id=customer.id, subject="Meter replacement"))
    db.session.add(
        Interaction(
            customer_id=customer.id,
            channel=InteractionChannel.SMS,
            direction=Direction.INBOUND,
            agent_id=int(desk.id),
            outcome="handled",
            wrap_up_code="resolved",
            notes="Sent the bill again.",
            started_at=utcnow() - timedelta(days=1),
        )
    )
    for opted_in in (True, False):  # the latest event wins
        record_consent(
            db.session, customer.id, Channel.SMS, Purpose.MARKETING, opted_in, ConsentSource.WEB
        )
    db.session.commit()

    answer = get(logged_in(app), f"/api/customers/{customer.id}").get_json()["customer"]

    assert (answer["tier"], answer["lifetime_value"], answer["timezone"]) == (
        "silver",
        "1234.50",
        "America/Chicago",
    )
    assert answer["accounts"][0]["number"] == "12345678"
    assert [case["subject"] for case in answer["open_cases"]] == ["Meter replacement"]
    last = answer["interactions"][0]
    assert (last["channel"], last["wrap_up_code"], last["agent"]) == (
        "sms",
        "resolved",
        "Ana Torres",
    )
    assert answer["consent"]["sms"]["marketing"]["opted_in"] is False
    assert answer["consent"]["sms"]["marketing"]["source"] == "web"
    assert answer["consent"]["voice"]["service_notices"] == {
        "opted_in": False,
        "source": None,
        "at": None,
    }


@pytest.mark.parametrize("customer_id", ["999", str(2**63)])
def test_an_unknown_customer_is_a_404(app, customer_id):
    assert get(logged_in(app), f"/api/customers/{customer_id}").status_code == 404


def test_the_360_and_the_console_show_the_incident_notices_the_customer_was_sent(app, desk):
    from app.models import Broadcast, BroadcastChannel, Delivery, DeliveryState
    from app.services.incidents.lifecycle import Scope, open_incident

    customer = known_customer()
    incident = open_incident(db.session, "Broadband down in Boston", Scope.of())
    broadcast = Broadcast(incident_id=incident.id, channel=BroadcastChannel.SMS, text="x")
    db.session.add(broadcast)
    db.session.flush()
    sent_at = utcnow().replace(hour=14, minute=2, second=0, microsecond=0)
    db.session.add(
        Delivery(
            broadcast_id=broadcast.id,
            phone=customer.phone,
            customer_id=customer.id,
            state=DeliveryState.DELIVERED,
            sid="SM" + "1" * 32,
            sent_at=sent_at,
        )
    )
    db.session.commit()
    browser = logged_in(app, Role.AGENT)

    answer = get(browser, f"/api/customers/{customer.id}").get_json()["customer"]
    page = get(browser, f"/console/customers/{customer.id}").get_data(as_text=True)

    notice = answer["notices"][0]
    assert (notice["incident"], notice["channel"], notice["state"]) == (
        "Broadband down in Boston",
        "sms",
        "delivered",
    )
    assert "Broadband down in Boston: notified" in page and "by SMS, delivered" in page


@pytest.mark.parametrize(
    ("answered_by", "call_status", "asked", "reads"),
    [
        ("human", "completed", False, "by call, answered"),
        ("human", "completed", True, "by call, answered, asked for a person"),
        ("machine_end_beep", "completed", False, "by call, message left"),
        (None, "no-answer", False, "by call, no answer"),
        (None, "busy", False, "by call, busy"),
    ],
)
def test_the_console_says_who_answered_a_notice_call(
    app, desk, answered_by, call_status, asked, reads
):
    from app.models import Broadcast, BroadcastChannel, Delivery, DeliveryState
    from app.services.incidents.lifecycle import Scope, open_incident

    customer = known_customer()
    incident = open_incident(db.session, "Broadband down in Boston", Scope.of())
    broadcast = Broadcast(incident_id=incident.id, channel=BroadcastChannel.VOICE, text="x")
    db.session.add(broadcast)
    db.session.flush()
    db.session.add(
        Delivery(
            broadcast_id=broadcast.id,
            phone=customer.phone,
            customer_id=customer.id,
            state=DeliveryState.DELIVERED if call_status == "completed" else DeliveryState.FAILED,
            sid="CA" + "1" * 32,
            sent_at=utcnow().replace(hour=14, minute=2),
            answered_by=answered_by,
            call_status=call_status,
            asked_for_person=asked,
        )
    )
    db.session.commit()
    browser = logged_in(app, Role.AGENT)

    notice = get(browser, f"/api/customers/{customer.id}").get_json()["customer"]["notices"][0]
    page = get(browser, f"/console/customers/{customer.id}").get_data(as_text=True)

    assert notice["channel"] == "voice" and notice["outcome"] == reads.removeprefix("by call, ")
    assert f"{reads}</li>" in page
