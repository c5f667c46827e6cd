"""The supervisor's incident pages: open, update, note, resolve with plain forms; a refused
change shows the reason and keeps what was typed; agents may not; callers hear at once."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, Customer, Incident, IncidentState, Role
from tests.functional.supervisors import Supervisor
from tests.functional.test_broadcast_sending import work
from tests.functional.voice import MAIN_LINE, OPEN, spoken, staff_queues, twiml
from tests.support import call_params


def form_post(person: Supervisor, path: str, data: dict[str, str]):  # type: ignore[no-untyped-def]
    return person.open("POST", path, data={"csrf_token": person.csrf, **data})


def test_a_supervisor_opens_updates_and_resolves_an_incident(app) -> None:
    boss = Supervisor.logged_in(app, "sam@example.com")

    opened = form_post(
        boss,
        "/supervisor/incidents",
        {"title": "Fibre cut in Boston", "severity": "critical", "areas": "Boston"},
    )
    incident = db.session.scalars(select(Incident)).one()
    page = f"/supervisor/incidents/{incident.id}"
    form_post(
        boss, f"{page}/updates", {"kind": "public", "state": "identified", "body": "Cut found."}
    )
    form_post(
        boss, f"{page}/updates", {"kind": "note", "body": "Crew 7 on it", "state": "monitoring"}
    )
    form_post(boss, f"{page}/resolve", {"body": "All clear.", "body_es": "Todo bien."})

    assert opened.status_code == 303 and opened.headers["Location"].endswith(page)
    db.session.expire_all()
    incident = db.session.get(Incident, incident.id)
    assert incident.state is IncidentState.RESOLVED
    assert [(u.state.value, u.public) for u in incident.updates] == [
        ("investigating", True),
        ("identified", True),
        ("identified", False),
        ("resolved", True),
    ]
    shown = boss.get(page).get_data(as_text=True)
    assert "Crew 7 on it" in shown and "internal note" in shown and "Todo bien." in shown
    assert "<dd>service areas Boston</dd>" in shown
    assert "Post an update" not in shown  # resolved: no more updates offered
    authors = db.session.scalars(select(AuditEntry.user_name)).all()
    assert len(authors) == 4 and set(authors) == {"Sam"}


def test_a_refused_incident_shows_why_and_keeps_what_was_typed(app) -> None:
    boss = Supervisor.logged_in(app, "sam@example.com")

    refused = form_post(
        boss, "/supervisor/incidents", {"title": "  ", "regions": "north", "message": "Hello"}
    )

    text = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "The title is empty." in text and 'value="north"' in text and ">Hello</textarea>" in text
    assert db.session.scalars(select(Incident)).all() == []


def test_hostile_titles_and_updates_are_shown_as_text(app) -> None:
    boss = Supervisor.logged_in(app, "sam@example.com")
    form_post(boss, "/supervisor/incidents", {"title": "<script>alert(1)</script>"})

    listing = boss.get("/supervisor/incidents").get_data(as_text=True)

    assert "<script>alert(1)</script>" not in listing
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in listing


def test_agents_and_strangers_cannot_open_incidents(app, client) -> None:
    agent = Supervisor.logged_in(app, "ana@example.com", Role.AGENT)

    by_agent = form_post(agent, "/supervisor/incidents", {"title": "Fake"})
    stranger = client.get("/supervisor/incidents")

    assert by_agent.status_code == 403
    assert stranger.status_code == 302 and "/login" in stranger.headers["Location"]
    assert db.session.scalars(select(Incident)).all() == []


def test_an_unknown_incident_is_a_plain_404(app) -> None:
    boss = Supervisor.logged_in(app, "sam@example.com")

    missing = boss.get("/supervisor/incidents/999")

    assert missing.status_code == 404 and "There is no incident 999." in missing.get_data(True)


def test_callers_hear_an_incident_as_soon_as_the_supervisor_opens_it(app, twilio_post) -> None:
    app.config.update(CLOCK=lambda: OPEN)
    staff_queues(app)
    boss = Supervisor.logged_in(app, "sam@example.com")
    db.session.add(Customer(phone="+14155550177", name="Rosa Diaz", region="north"))
    db.session.commit()
    params = call_params(To=MAIN_LINE, From="+14155550177")

    before = spoken(twiml(twilio_post("/voice/incoming", params)))
    form_post(
        boss,
        "/supervisor/incidents",
        {"title": "Outage", "regions": "north", "message": "Power is out on the north side."},
    )
    after = spoken(twiml(twilio_post("/voice/incoming", {**params, "CallSid": "CA" + "2" * 32})))

    assert "Power is out" not in before
    assert "Power is out on the north side." in after


def test_a_supervisor_plans_starts_and_follows_a_broadcast_from_the_incident_page(
    app, redis_client
) -> None:
    from app.models import Account, ConsentEvent, ConsentSource, Purpose
    from app.models import Channel as ConsentChannel

    boss = Supervisor.logged_in(app, "sam@example.com")
    person = Customer(phone="+16175550101", name="Rosa Diaz", region="east")
    person.accounts = [Account(number="B-1", service="broadband", service_area="Boston")]
    db.session.add(person)
    db.session.flush()
    db.session.add(
        ConsentEvent(
            customer_id=person.id,
            channel=ConsentChannel.SMS,
            purpose=Purpose.SERVICE_NOTICES,
            opted_in=True,
            source=ConsentSource.WEB,
        )
    )
    db.session.commit()
    form_post(boss, "/supervisor/incidents", {"title": "Fibre cut", "areas": "Boston"})
    page = "/supervisor/incidents/1"

    planned = form_post(
        boss, f"{page}/broadcasts", {"message": "script", "script": "first_notice", "eta": "6 pm"}
    )
    work(app, redis_client)  # the planning job
    shown = boss.get(page).get_data(as_text=True)
    started = form_post(boss, "/supervisor/broadcasts/1/start", {})
    after = boss.get(page).get_data(as_text=True)

    assert planned.status_code == 303 and started.status_code == 303
    assert "first_notice" in shown and 'aria-label="Start broadcast 1"' in shown
    assert '<span class="badge">sending</span>' in after
    assert 'http-equiv="refresh"' in after and 'aria-label="Pause broadcast 1"' in after


def test_a_broken_text_is_refused_on_the_page_with_its_reason(app) -> None:
    boss = Supervisor.logged_in(app, "sam@example.com")
    form_post(boss, "/supervisor/incidents", {"title": "Fibre cut"})

    refused = form_post(
        boss,
        "/supervisor/incidents/1/broadcasts",
        {"message": "text", "text": "Hi {{ first_name.upper() }}"},
    )

    text = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "The message cannot be sent" in text and "No broadcasts yet." in text


def test_a_supervisor_plans_a_broadcast_by_phone_and_sees_who_answered(app, redis_client) -> None:
    from sqlalchemy import select

    from app.models import Account, ConsentEvent, ConsentSource, Delivery, Purpose
    from app.models import Channel as ConsentChannel

    boss = Supervisor.logged_in(app, "sam@example.com")
    person = Customer(phone="+16175550101", name="Rosa Diaz", region="east")
    person.accounts = [Account(number="B-1", service="broadband", service_area="Boston")]
    db.session.add(person)
    db.session.flush()
    db.session.add(
        ConsentEvent(
            customer_id=person.id,
            channel=ConsentChannel.VOICE,
            purpose=Purpose.SERVICE_NOTICES,
            opted_in=True,
            source=ConsentSource.WEB,
        )
    )
    db.session.commit()
    form_post(boss, "/supervisor/incidents", {"title": "Fibre cut", "areas": "Boston"})
    page = "/supervisor/incidents/1"

    planned = form_post(
        boss,
        f"{page}/broadcasts",
        {"message": "script", "script": "first_notice", "eta": "6 pm", "channel": "voice"},
    )
    work(app, redis_client)  # the planning job
    delivery = db.session.scalars(select(Delivery)).one()
    delivery.answered_by, delivery.asked_for_person = "human", True
    db.session.commit()
    shown = boss.get(page).get_data(as_text=True)

    assert planned.status_code == 303
    assert "Call: first_notice" in shown
    assert "answered by a person 1, by a machine 0; asked for a person 1" in shown
