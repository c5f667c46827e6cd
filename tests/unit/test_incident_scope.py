"""Whom an incident touches: each kind named narrows (region, then one account's service
and area together); nothing named means everyone."""

from __future__ import annotations

import pytest

from app.services.incidents.lifecycle import IncidentError, Scope

BOSTON_BROADBAND = Scope.of(services=["broadband"], service_areas=["Boston"])


@pytest.mark.parametrize(
    ("scope", "region", "accounts", "touched"),
    [
        (Scope.of(), None, [], True),
        (Scope.of(regions=["east"]), "east", [], True),
        (Scope.of(regions=["east"]), "west", [("broadband", "Boston")], False),
        (Scope.of(regions=["east"]), None, [], False),
        (BOSTON_BROADBAND, "east", [("broadband", "Boston")], True),
        (BOSTON_BROADBAND, "east", [("mobile", "Boston")], False),
        (BOSTON_BROADBAND, "east", [("mobile", "Boston"), ("broadband", "Miami")], False),
        (BOSTON_BROADBAND, "east", [("mobile", "Miami"), ("broadband", "Boston")], True),
        (Scope.of(services=["tv", "mobile"]), "south", [("mobile", "Miami")], True),
        (Scope.of(regions=["east"], services=["tv"]), "east", [("mobile", "Boston")], False),
    ],
)
def test_an_incident_touches_exactly_the_customers_it_names(scope, region, accounts, touched):
    assert scope.touches(region, accounts) is touched


def test_names_are_trimmed_and_kept_once_and_overlong_ones_refused():
    assert Scope.of(regions=[" east ", "east", "", "North  side"]).regions == (
        "east",
        "North side",
    )
    with pytest.raises(IncidentError, match="at most 64"):
        Scope.of(services=["x" * 65])
