"""Replaying recorded contacts: exact waits on a tiny recording, and clear errors for bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from routing import Agent, QueueConfig
from routing.simulator import (
    ReplayError,
    SimulationError,
    load_replay,
    parse_replay,
    replay,
)

# One agent, the shipped weights (gold +30, silver +15, aging 0.1 a second). c1 is answered
# on arrival and keeps the agent until 1100. By then c2 (bronze, 1010) scores 0 + 9 and c3
# (gold, 1020) 30 + 8, so c3 goes first (waited 80, busy until 1130), then c2 (waited 120).
# c4 would wait 15 s at most and hangs up at 1055.
RECORDING = """\
id,arrived_at,tier,handle_seconds,patience_seconds
c1,1000,bronze,100,
c2,1010,bronze,50,
c3,1020,gold,30,
c4,1040,silver,20,15
"""


def test_replay_of_a_tiny_recording_gives_the_hand_computed_waits() -> None:
    arrivals = parse_replay(RECORDING, json_lines=False)

    result = replay(arrivals, 1)

    assert {o.id: (o.waited, o.answered) for o in result.outcomes} == {
        "c1": (0.0, True),
        "c2": (120.0, True),
        "c3": (80.0, True),
        "c4": (15.0, False),
    }
    assert (result.offered, result.answered, result.abandoned) == (4, 3, 1)
    assert result.service_level == 0.25
    assert result.asa_seconds == pytest.approx(200 / 3)
    assert result.window_seconds == 180.0
    assert result.occupancy == 1.0
    assert [tier.tier for tier in result.tiers] == ["gold", "silver", "bronze"]
    assert result.tier("bronze").p90_wait == 120.0


def test_a_returning_caller_waits_for_their_last_agent_then_the_pool_widens() -> None:
    # r1 takes a1 until 100100. r2 spoke to a1 yesterday: it waits the sticky 30 s while a2
    # is free, then a2 takes it (free again at 100050). r3 spoke to a2, who frees up at the
    # very instant r3 arrives: a finish comes before an arrival, so r3 waits not at all.
    recording = "\n".join(
        [
            '{"id": "r1", "arrived_at": 100000, "handle_seconds": 100}',
            '{"id": "r2", "arrived_at": 100010, "handle_seconds": 10,'
            ' "last_agent_id": "a1", "last_contact_at": 13610}',
            "",
            '{"id": "r3", "arrived_at": 100050, "handle_seconds": 10,'
            ' "last_agent_id": "a2", "last_contact_at": 13650}',
        ]
    )
    agents = [Agent(id="a1", name="Ana"), Agent(id="a2", name="Ben")]

    result = replay(parse_replay(recording, json_lines=True), agents)

    assert {o.id: (o.waited, o.agent_id) for o in result.outcomes} == {
        "r1": (0.0, "a1"),
        "r2": (30.0, "a2"),
        "r3": (0.0, "a2"),
    }


def test_load_replay_reads_csv_and_json_lines_files_alike(tmp_path: Path) -> None:
    csv_file = tmp_path / "calls.csv"
    csv_file.write_text("id,arrived_at,handle_seconds,tier\nc1,2026-03-10T15:00:00,60,gold\n")
    json_file = tmp_path / "calls.jsonl"
    json_file.write_text(
        '{"id": "c1", "arrived_at": "2026-03-10T15:00:00Z", "handle_seconds": 60, "tier": "gold"}\n'
    )

    from_csv, from_json = load_replay(csv_file), load_replay(json_file)

    assert from_csv == from_json
    assert from_csv[0].arrived_at == 1_773_154_800.0
    assert from_csv[0].patience_seconds is None


@pytest.mark.parametrize(
    ("text", "json_lines", "problems"),
    [
        (
            "arrived_at,handle_seconds\n1000,60\n1010,abc\n1020,-5\n",
            False,
            [
                "calls:3: handle_seconds: not a number: 'abc'",
                "calls:4: handle_seconds: must be a finite number at least 0, not '-5'",
            ],
        ),
        ("arrived_at,tier\n1000,gold\n", False, ["calls:2: handle_seconds is missing"]),
        ("arrived_at,handle_time\n1000,60\n", False, ["calls:1: unknown column(s) handle_time"]),
        ("arrived_at,handle_seconds\n1000,60,7\n", False, ["calls:2: more values than columns"]),
        (
            "arrived_at,handle_seconds,id\n1000,60,x\n1001,60,x\n",
            False,
            ["calls:3: id 'x' appears twice"],
        ),
        (
            '{"arrived_at": 1, "handle_seconds": 2}\n{"arrived_at": 1,\n',
            True,
            ["calls:2: not valid JSON"],
        ),
        ("[1, 2]\n", True, ["calls:1: expected a JSON object"]),
        ('{"arrived_at": "soon", "handle_seconds": 1}', True, ["calls:1: arrived_at: not epoch"]),
        (
            '{"arrived_at": 1, "handle_seconds": 1, "patience_seconds": 0}',
            True,
            ["calls:1: patience_seconds"],
        ),
        ("arrived_at,handle_seconds\n", False, ["calls:1: no recorded contacts"]),
    ],
)
def test_a_bad_replay_file_is_refused_with_the_line_of_each_problem(
    text: str, json_lines: bool, problems: list[str]
) -> None:
    with pytest.raises(ReplayError) as error:
        parse_replay(text, source="calls", json_lines=json_lines)

    assert len(error.value.problems) == len(problems)
    for found, expected in zip(error.value.problems, problems, strict=True):
        assert found.startswith(expected)


def test_a_missing_replay_file_is_a_replay_error(tmp_path: Path) -> None:
    with pytest.raises(ReplayError, match="cannot read replay file"):
        load_replay(tmp_path / "nowhere.csv")


def test_contacts_for_a_queue_nobody_can_serve_are_refused_before_running() -> None:
    arrivals = parse_replay("arrived_at,handle_seconds,queue\n1,60,billing\n", json_lines=False)
    billing = QueueConfig(name="billing", skills=("billing",))

    generalist = Agent(id="a1", name="Ana")

    with pytest.raises(SimulationError, match="no agent can serve queue"):
        replay(arrivals, [generalist], queues=[billing])
    with pytest.raises(SimulationError, match="unknown queue"):
        replay(arrivals, 2, queues=[QueueConfig(name="general")])
