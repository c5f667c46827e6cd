"""The weights file: shipped defaults, custom files, and clear errors with line numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from routing import DEFAULT_WEIGHTS_FILE, WeightsError, load_weights, parse_weights

SHIPPED = DEFAULT_WEIGHTS_FILE.read_text(encoding="utf-8")


def test_the_shipped_weights_load_with_the_documented_values() -> None:
    weights = load_weights(DEFAULT_WEIGHTS_FILE)

    assert dict(weights.tiers) == {"platinum": 40, "gold": 30, "silver": 15, "bronze": 0}
    assert weights.aging_per_second == 0.1
    assert (weights.sticky_wait_seconds, weights.sticky_window_days) == (30, 7)
    assert (weights.service_level_seconds, weights.service_level_target) == (20, 0.8)


def test_a_custom_file_replaces_the_shipped_weights(tmp_path: Path) -> None:
    path = tmp_path / "weights.yaml"
    path.write_text(SHIPPED.replace("gold: 30", "gold: 35"), encoding="utf-8")

    weights = load_weights(path)

    assert weights.tiers["gold"] == 35


def _problems(text: str) -> tuple[str, ...]:
    with pytest.raises(WeightsError) as caught:
        parse_weights(text, source="w.yaml")
    return caught.value.problems


def _line(marker: str) -> int:
    return next(n for n, line in enumerate(SHIPPED.splitlines(), 1) if marker in line)


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("gold: 30", "gold: lots", "w.yaml:{gold}: tiers.gold: must be a number, not 'lots'"),
        ("gold: 30", "gold: -5", "w.yaml:{gold}: tiers.gold: must be between 0 and 10000, not -5"),
        ("gold: 30", "Gold Tier: 30", "w.yaml:{gold}: tiers: 'Gold Tier' is not a tier name"),
        (
            "points_per_second: 0.1",
            "points_per_second: 0",
            "w.yaml:{points_per_second}: aging.points_per_second: must be above 0, not 0",
        ),
        (
            "target: 0.8",
            "target: yes",
            "w.yaml:{target}: service_level.target: must be a number, not 'yes'",
        ),
        (
            "window_days: 7",
            "window_dayz: 7",
            "w.yaml:{window_days}: sticky: unknown key 'window_dayz' (expected: wait_seconds, "
            "window_days)",
        ),
        ("recent_bad_outcome: 15", "", "w.yaml:{tiers}: weights: missing 'recent_bad_outcome'"),
        (
            "aging:\n  points_per_second: 0.1",
            "aging: 0.1",
            "w.yaml:{aging}: aging: expected a mapping",
        ),
    ],
)
def test_a_wrong_value_is_reported_with_its_file_and_line(old: str, new: str, problem: str) -> None:
    lines = {
        key: _line(marker)
        for key, marker in [
            ("gold", "gold: 30"),
            ("points_per_second", "points_per_second: 0.1"),
            ("tiers", "tiers:"),
            ("target", "target: 0.8"),
            ("window_days", "window_days: 7"),
            ("aging", "aging:"),
        ]
    }
    text = SHIPPED.replace(old, new)

    problems = _problems(text)

    assert any(p.startswith(problem.format(**lines)) for p in problems), problems


def test_every_problem_is_reported_at_once() -> None:
    text = SHIPPED.replace("gold: 30", "gold: x").replace("cap: 15", "cap: -1")
    text = text.replace("wait_seconds: 30", "wait_seconds: 5000")

    with pytest.raises(WeightsError, match=r"w\.yaml: 3 problem\(s\)") as caught:
        parse_weights(text, source="w.yaml")

    assert [p.split(": ")[1] for p in caught.value.problems] == [
        "tiers.gold",
        "contacts_24h.cap",
        "sticky.wait_seconds",
    ]


def test_a_repeated_key_is_a_problem() -> None:
    problems = _problems(SHIPPED + "unknown_caller: 5\n")

    assert problems == (
        f"w.yaml:{len(SHIPPED.splitlines()) + 1}: weights: 'unknown_caller' appears twice",
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "w.yaml:1: the file is empty"),
        ("tiers: [gold\n", "w.yaml:2: not valid YAML"),
        ("- 1\n- 2\n", "w.yaml:1: weights: expected a mapping"),
        ("tiers: {}\n", "w.yaml:1: tiers: name at least one tier"),
    ],
)
def test_files_that_are_not_weights_at_all_are_refused(text: str, problem: str) -> None:
    problems = _problems(text)

    assert any(p.startswith(problem) for p in problems), problems


def test_a_missing_file_is_a_weights_error(tmp_path: Path) -> None:
    with pytest.raises(WeightsError, match="cannot read weights file"):
        load_weights(tmp_path / "nowhere.yaml")
