"""Which collected IVR values the agent is not shown: secrets, named as such."""

from __future__ import annotations

import pytest

from app.services.agents.ivr_path import is_secret


@pytest.mark.parametrize(
    "variable", ["pin", "card_pin", "PIN", "passcode", "security_answer", "ssn"]
)
def test_a_secret_variable_is_hidden(variable):
    assert is_secret(variable)


@pytest.mark.parametrize("variable", ["account_number", "zip_code", "callback_number", "spinner"])
def test_an_ordinary_variable_is_shown(variable):
    assert not is_secret(variable)
