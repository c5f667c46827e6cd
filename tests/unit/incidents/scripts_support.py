"""Helpers for script tests: a script made of given templates, a recipient, a lint."""

from __future__ import annotations

from app.services.scripts.script_lint import LintReport, lint
from app.services.scripts.script_variables import Recipient
from app.services.scripts.scripts import Script, Version

GOOD_SMS = "Northwind: {{ first_name }}, your {{ service }} is down. Reply STOP to opt out."
GOOD_VOICE = {
    "en": "Hello {{ first_name }}, your {{ service }} is down. Press 0 to speak to a person.",
    "es": "Hola {{ first_name }}, su {{ service }} no funciona. "
    "Oprima 0 para hablar con una persona.",
}


def script(
    en_sms: str = GOOD_SMS,
    en_voice: str = GOOD_VOICE["en"],
    es_sms: str = GOOD_SMS,
    es_voice: str = GOOD_VOICE["es"],
) -> Script:
    """A script of these templates; the ones not given are good."""
    return Script(
        "test_script",
        "A script under test.",
        {"en": Version(en_sms, en_voice), "es": Version(es_sms, es_voice)},
    )


def recipient(language: str = "en", **variables: str) -> Recipient:
    """A recipient with every variable but ``update`` (unless given)."""
    values = {
        "first_name": "Ana",
        "service": "internet",
        "region": "Northeast",
        "area": "Boston",
        "eta": "6:30 PM",
        "status_link": "https://helpline.example.com/status/incidents/7",
        "incident_title": "Internet outage in Boston",
    }
    values.update(variables)
    return Recipient(f"Ana ({language})", language, values)


def errors_of(report: LintReport) -> list[str]:
    return [str(problem) for problem in report.errors]


def warnings_of(report: LintReport) -> list[str]:
    return [str(problem) for problem in report.warnings]


__all__ = ["errors_of", "lint", "recipient", "script", "warnings_of"]
