"""Word lists for the demo: names in English and Spanish, service areas, topics of contact."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

EN_FIRST = """James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William
Barbara Richard Susan Joseph Jessica Thomas Sarah Charles Karen Daniel Lisa Matthew Nancy
Anthony Betty Mark Sandra Steven Ashley Paul Emily Andrew Donna Joshua Michelle Kevin Carol
Brian Amanda George Melissa Ryan Deborah Jacob Rebecca Tyler Laura Nathan Hannah""".split()

EN_LAST = """Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore
Jackson Martin Lee Thompson White Harris Clark Lewis Robinson Walker Young Allen King Wright
Scott Hill Green Adams Baker Nelson Carter Mitchell Roberts Turner Phillips Campbell Parker
Evans Edwards Collins Stewart Morris Murphy Cook Rogers Morgan Cooper Reed""".split()

ES_FIRST = """José María Juan Guadalupe Luis Carmen Carlos Rosa Jorge Ana Miguel Isabel Francisco
Lucía Antonio Elena Manuel Sofía Pedro Valentina Javier Camila Alejandro Daniela Ricardo
Gabriela Fernando Paula Raúl Mariana Sergio Adriana Andrés Verónica Diego Alejandra Eduardo
Natalia Rafael Beatriz Héctor Julia Roberto Lorena""".split()

ES_LAST = """García Rodríguez Martínez Hernández López González Pérez Sánchez Ramírez Torres Flores
Rivera Gómez Díaz Cruz Morales Reyes Gutiérrez Ortiz Ramos Castillo Jiménez Vargas Romero
Mendoza Ruiz Álvarez Castro Herrera Medina Aguilar Chávez Vásquez Delgado Ortega Navarro
Rojas Silva Molina Guerrero""".split()

EMAIL_DOMAINS = ("example.com", "example.net", "example.org")


def ascii_fold(text: str) -> str:
    """``text`` without accents or anything else outside ASCII letters and digits."""
    decomposed = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(char for char in decomposed if char.isalnum())


@dataclass(frozen=True, slots=True)
class Area:
    """A service area: the area code of its customers' phones, its region and time zone."""

    code: int
    city: str
    region: str
    timezone: str


AREAS = tuple(
    Area(int(code), city.replace("_", " "), region, timezone)
    for code, city, region, timezone in (
        line.split()
        for line in """
313 Detroit north America/Detroit
612 Minneapolis north America/Chicago
414 Milwaukee north America/Chicago
216 Cleveland north America/New_York
713 Houston south America/Chicago
214 Dallas south America/Chicago
404 Atlanta south America/New_York
305 Miami south America/New_York
212 New_York east America/New_York
617 Boston east America/New_York
215 Philadelphia east America/New_York
202 Washington east America/New_York
213 Los_Angeles west America/Los_Angeles
415 San_Francisco west America/Los_Angeles
206 Seattle west America/Los_Angeles
503 Portland west America/Los_Angeles
312 Chicago central America/Chicago
314 St._Louis central America/Chicago
303 Denver central America/Denver
816 Kansas_City central America/Chicago
""".strip().splitlines()
    )
)


@dataclass(frozen=True, slots=True)
class Topic:
    """Why a customer gets in touch: the queue it goes to, wrap-up codes, case subjects, notes."""

    name: str
    queue: str
    weight: int
    wrap_up_codes: tuple[str, ...]
    subjects: tuple[str, ...]
    notes: tuple[str, ...]


TOPICS = (
    Topic(
        "billing",
        "billing",
        35,
        ("BILL_EXPLAINED", "PAYMENT_TAKEN", "PAYMENT_PLAN", "REFUND_ISSUED", "AUTOPAY_SETUP"),
        ("Disputed charge on last bill", "Refund not received", "Payment plan request"),
        ("Walked through the bill line by line.", "Took a card payment.", "Set up autopay."),
    ),
    Topic(
        "tech_support",
        "tech_support",
        30,
        ("RESET_DEVICE", "TECH_VISIT", "SPEED_TEST", "SIM_REPLACED", "WIFI_HELP"),
        ("Broadband drops every evening", "Set-top box not booting", "No signal indoors"),
        ("Rebooted the router remotely.", "Booked a technician visit.", "Sent a new SIM."),
    ),
    Topic(
        "sales",
        "sales",
        12,
        ("UPGRADE", "NEW_SERVICE", "PLAN_CHANGE", "QUOTE_SENT"),
        ("Upgrade to fibre requested", "Bundle quote follow-up"),
        ("Upgraded the plan.", "Sent a quote by email.", "Added a second line."),
    ),
    Topic(
        "outage",
        "outage",
        10,
        ("OUTAGE_INFO", "OUTAGE_CREDIT"),
        ("Power out since storm", "Area outage: no broadband"),
        ("Confirmed the area outage and the restore estimate.", "Applied an outage credit."),
    ),
    Topic(
        "general",
        "general",
        13,
        ("ADDRESS_CHANGE", "INFO_GIVEN", "MOVE_REQUEST"),
        ("Moving house: transfer services", "Account holder change"),
        ("Updated the address.", "Explained the moving process.", "Answered a question."),
    ),
)
