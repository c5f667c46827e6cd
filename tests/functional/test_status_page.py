"""The public status page: what is wrong now (public updates only), each service's state,
the past 90 days a page at a time, and each incident's own page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app.extensions import db
from app.models import Incident, utcnow
from app.services.incidents import lifecycle
from tests.functional.community import Visitor
from tests.functional.status import customers_with, open_incident


def services_shown(html: str) -> dict[str, str]:
    """Each service on the page and the state it shows."""
    rows = re.findall(
        r'<span class="service-name">([^<]+)</span> <span class="badge [a-z]+">([^<]+)</span>',
        html,
    )
    return dict(rows)


def test_an_open_incident_shows_its_public_updates_newest_first_without_internal_notes(app):
    incident_id = open_incident("Broadband down in Springfield", services=["broadband"])
    lifecycle.post_update(db.session, incident_id, "A cut fibre found.", state="identified")
    lifecycle.post_update(db.session, incident_id, "Crew sent: ETA 3 pm", public=False)
    lifecycle.post_update(db.session, incident_id, "Repairs are under way.", state="monitoring")

    html = Visitor.of(app).text("/status")

    assert "Broadband down in Springfield" in html
    assert html.index("Repairs are under way.") < html.index("A cut fibre found.")
    assert "Monitoring" in html and "Identified" in html and "Investigating" in html
    assert "Crew sent" not in html
    assert "1 open incident" in html


def test_with_no_incident_every_service_is_operational(app):
    customers_with("mobile", "broadband")

    html = Visitor.of(app).text("/status")

    assert "All services are operating normally." in html
    assert services_shown(html) == {"broadband": "Operational", "mobile": "Operational"}


def test_a_service_shows_the_worst_open_incident_that_names_it(app):
    customers_with("mobile", "broadband", "tv", "energy")
    open_incident("Slow broadband", "minor", services=["broadband"])
    open_incident("Broadband down downtown", "critical", services=["broadband", "tv"])
    open_incident("Mobile calls drop", "major", services=["mobile"])
    open_incident("Storm in the north", "critical", regions=["north"])  # names no service
    resolved = open_incident("Energy meters offline", "critical", services=["energy"])
    lifecycle.resolve(db.session, resolved)

    shown = services_shown(Visitor.of(app).text("/status"))

    assert shown == {
        "broadband": "Full outage",
        "energy": "Operational",
        "mobile": "Major outage",
        "tv": "Full outage",
    }


def test_an_incident_touching_everyone_marks_every_service_and_a_named_new_service_is_listed(
    app,
):
    customers_with("mobile", "tv")
    open_incident("Billing system down", "minor")  # no scope: everyone
    open_incident("Satellite link lost", "major", services=["satellite"])

    shown = services_shown(Visitor.of(app).text("/status"))

    assert shown == {
        "mobile": "Minor disruption",
        "satellite": "Major outage",
        "tv": "Minor disruption",
    }


def test_past_incidents_of_the_last_90_days_are_listed_newest_first_a_page_at_a_time(app):
    for n in range(12):
        lifecycle.resolve(db.session, open_incident(f"Past problem {n:02d}"))
    old = open_incident("Long ago problem")
    lifecycle.resolve(db.session, old)
    db.session.get(Incident, old).resolved_at = utcnow() - timedelta(days=91)
    db.session.commit()
    visitor = Visitor.of(app)

    first, second = visitor.text("/status"), visitor.text("/status?page=2")

    assert "Page 1 of 2" in first and "Past problem 11" in first and "Past problem 02" in first
    assert "Past problem 01" not in first
    assert "Past problem 01" in second and "Past problem 00" in second
    assert "Long ago problem" not in first + second
    assert "No open incidents." in first


def test_an_incident_page_shows_its_updates_and_their_spanish_beneath(app):
    incident_id = open_incident("TV channels missing", services=["tv"])
    lifecycle.post_update(
        db.session,
        incident_id,
        "Channels are back for most customers.",
        state="monitoring",
        translations={"es": "Los canales han vuelto para la mayoría."},
    )

    html = Visitor.of(app).text(f"/status/incidents/{incident_id}")

    assert "<h1" in html and "TV channels missing" in html
    assert '<p class="translation" lang="es">Los canales han vuelto para la mayoría.</p>' in html
    assert html.index("Channels are back") < html.index("Los canales han vuelto")
    assert f'name="incident_id" value="{incident_id}"' in html  # its own subscribe form


@pytest.mark.parametrize("path", ["/status/incidents/999", "/status/incidents/99999999999"])
def test_an_incident_that_does_not_exist_is_not_found(app, path):
    response = Visitor.of(app).get(path)

    assert response.status_code == 404
    assert "There is no such incident" in response.get_data(as_text=True)


def test_a_hostile_title_and_update_are_shown_as_text(app):
    payload = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    incident_id = open_incident(f"Outage {payload}")
    lifecycle.post_update(db.session, incident_id, f"Update {payload}")

    for path in ("/status", f"/status/incidents/{incident_id}"):
        html = Visitor.of(app).text(path)

        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_status_page_needs_no_login_and_keeps_its_security_headers(app):
    response = Visitor.of(app).get("/status")

    assert response.status_code == 200
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
