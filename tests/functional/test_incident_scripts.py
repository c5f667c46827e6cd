"""Incident scripts for real customers: their first name, the service and place the
incident touches for them, the ETA in their time zone, the status link, and the latest
public update in their language, rendered and linted as a broadcast would."""

from __future__ import annotations

from datetime import UTC, datetime

from app.extensions import db
from app.models import Account, Customer
from app.services.incidents import lifecycle
from app.services.scripts.script_lint import lint
from app.services.scripts.script_variables import recipient
from app.services.scripts.scripts import Script, Version, render_sms, render_voice, script_named
from tests.support import PUBLIC_BASE_URL

NOW = datetime(2025, 1, 14, 20, 0, tzinfo=UTC)  # 3 PM in Boston


def boston_outage(translated: bool = True) -> lifecycle.Incident:
    """A broadband outage in Boston with a public update (in Spanish too, if asked)."""
    incident = lifecycle.open_incident(
        db.session,
        "Broadband outage in Boston",
        lifecycle.Scope.of(services=["broadband"], service_areas=["Boston"]),
    )
    lifecycle.post_update(
        db.session,
        incident.id,
        "A damaged fiber cable was found; crews are splicing it.",
        state="identified",
        translations={"es": "Encontramos un cable de fibra dañado; lo están empalmando."}
        if translated
        else None,
    )
    return lifecycle.get(db.session, incident.id)


def customer(name: str, language: str, *holdings: tuple[str, str]) -> Customer:
    person = Customer(
        phone=f"+1617555{len(name):04d}",
        name=name,
        language=language,
        region="Northeast",
        timezone="America/New_York",
    )
    person.accounts = [
        Account(number=f"{name[:3]}-{n}", service=service, service_area=area)
        for n, (service, area) in enumerate(holdings)
    ]
    db.session.add(person)
    db.session.commit()
    return person


def test_an_english_customer_reads_their_name_service_place_eta_and_the_link(app):
    incident = boston_outage()
    ana = customer("ANA LÓPEZ", "en", ("mobile", "Cambridge"), ("broadband", "Boston"))

    who = recipient(incident, ana, PUBLIC_BASE_URL, eta=datetime(2025, 1, 14, 23, 30), now=NOW)
    text = render_sms(script_named("first_notice"), who)

    assert text == (
        "Northwind: Ana, we're sorry: your internet in Boston is down. Our crews are on it. "
        "Expected back: 6:30 PM. Meanwhile: mobile data or wifi, our app, or a Northwind store. "
        f"Next text in 2 hours. {PUBLIC_BASE_URL}/status/incidents/{incident.id} "
        "Reply STOP to opt out."
    )
    assert who.variables["update"] == "A damaged fiber cable was found; crews are splicing it."


def test_a_spanish_customer_reads_and_hears_the_update_in_spanish(app):
    incident = boston_outage()
    jose = customer("José Ramírez", "es", ("broadband", "Boston"))

    who = recipient(incident, jose, PUBLIC_BASE_URL, eta=datetime(2025, 1, 15, 14, 0), now=NOW)
    texted = render_sms(script_named("update"), who)
    said = render_voice(script_named("update"), who)

    assert texted.startswith(
        "Northwind: José, su internet en Boston: Encontramos un cable de fibra dañado; "
        "lo estan empalmando. Lo sentimos. Arreglo previsto: 15 ene, 09:00."
    )
    assert said == (
        "Hola José, le llama Northwind con novedades sobre su internet en Boston. "
        "Encontramos un cable de fibra dañado; lo están empalmando. Disculpe las molestias. "
        "Arreglo previsto: 15 ene, 09:00. Mientras tanto, puede usar los datos de su celular "
        "o una red wifi, nuestra aplicación, o visitar cualquier tienda Northwind. "
        "Volveremos a comunicarnos con usted en menos de dos horas. "
        "Oprima 0 para hablar con una persona."
    )


def test_without_a_spanish_update_a_spanish_customer_is_told_work_goes_on(app):
    incident = boston_outage(translated=False)
    jose = customer("José Ramírez", "es", ("broadband", "Boston"))

    who = recipient(incident, jose, PUBLIC_BASE_URL)
    texted = render_sms(script_named("update"), who)

    assert "update" not in who.variables
    assert "seguimos trabajando en ello. Lo sentimos. Arreglo previsto: lo antes posible." in (
        texted
    )


def test_linting_with_real_recipients_finds_the_one_a_script_cannot_reach(app):
    incident = boston_outage(translated=False)
    ana = customer("Ana Lopez", "en", ("broadband", "Boston"))
    jose = customer("José Ramírez", "es", ("broadband", "Boston"))
    careless = Script(
        "careless",
        "Uses the update without asking whether there is one.",
        {
            language: Version(
                "Northwind: {{ update }} Reply STOP",
                "{{ update }} " + offer,
            )
            for language, offer in (
                ("en", "Press 0 to speak to a person."),
                ("es", "Oprima 0 para hablar con una persona."),
            )
        },
    )
    samples = [recipient(incident, person, PUBLIC_BASE_URL) for person in (ana, jose)]

    report = lint(careless, samples, PUBLIC_BASE_URL)

    assert [str(e) for e in report.errors] == [
        "for José Ramírez (es): careless, Spanish SMS: The recipient has no 'update'."
    ]
    assert [p.recipient for p in report.previews] == ["Ana Lopez (en)"]


def test_a_customer_with_no_name_or_holdings_still_gets_whole_sentences(app):
    incident = lifecycle.open_incident(db.session, "Power cut", lifecycle.Scope.of())
    nobody = Customer(phone="+16175550000", name="", language="fr", timezone="Nowhere/Land")
    db.session.add(nobody)
    db.session.commit()

    who = recipient(incident, nobody, PUBLIC_BASE_URL, eta="by tonight")
    said = render_voice(script_named("first_notice"), who)

    assert who.language == "en"
    assert said.startswith(
        "Hello there, this is Northwind with an important message. We are sorry: your service "
        "in your area is down. Our crews are working to fix it. Our estimate for the repair: "
        "by tonight."
    )


def test_a_customer_is_told_of_the_account_the_outage_touches_not_their_others(app):
    incident = lifecycle.open_incident(
        db.session, "Outage in Boston", lifecycle.Scope.of(service_areas=["Boston"])
    )
    rosa = customer("Rosa Diaz", "en", ("broadband", "Cambridge"), ("mobile", "Boston"))

    who = recipient(incident, rosa, PUBLIC_BASE_URL)

    assert (who.variables["service"], who.variables["area"]) == ("mobile service", "Boston")
