"""KB_DEFLECT_THRESHOLD: the calibrated default, and values refused with the setting's name."""

from __future__ import annotations

import pytest

from app.config import ConfigError, check_settings, load_settings
from knowledge_base import DEFAULT_DEFLECT_THRESHOLD


def test_the_deflection_threshold_defaults_to_the_calibrated_value(tmp_path):
    settings = load_settings(str(tmp_path), {})

    assert settings["KB_DEFLECT_THRESHOLD"] == DEFAULT_DEFLECT_THRESHOLD


def test_a_deflection_threshold_from_the_environment_is_used(tmp_path):
    settings = load_settings(str(tmp_path), {"KB_DEFLECT_THRESHOLD": "0.8"})

    check_settings(settings)
    assert settings["KB_DEFLECT_THRESHOLD"] == 0.8


@pytest.mark.parametrize("value", ["0", "1.5", "-0.2", "nan", "high"])
def test_a_threshold_outside_0_to_1_is_refused_by_name(tmp_path, value):
    with pytest.raises(ConfigError, match="KB_DEFLECT_THRESHOLD"):
        check_settings(load_settings(str(tmp_path), {"KB_DEFLECT_THRESHOLD": value}))
