"""Demo history: six months of calls, texts and chats per customer, some tied to cases."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert
from sqlalchemy.orm import Session

from app.demo.customers import HISTORY_DAYS, DemoCustomer
from app.demo.names import TOPICS, Topic
from app.models import Case, CaseStatus, Direction, Interaction, InteractionChannel, Tier

SEED = 3_310_000
MAIN_NUMBER = "+18885550100"  # the company's fictional line
VISITS = {Tier.PLATINUM: 7, Tier.GOLD: 6, Tier.SILVER: 5, Tier.BRONZE: 4}
CHANNELS = {InteractionChannel.VOICE: 60, InteractionChannel.SMS: 30, InteractionChannel.WEB: 10}
OUTCOMES = {
    InteractionChannel.VOICE: {"resolved": 62, "transferred": 12, "callback": 10, "abandoned": 16},
    InteractionChannel.SMS: {"resolved": 75, "transferred": 10, "callback": 15},
    InteractionChannel.WEB: {"resolved": 80, "callback": 20},
}
TALK_SECONDS = {
    InteractionChannel.VOICE: (60, 1500),
    InteractionChannel.SMS: (120, 3600),
    InteractionChannel.WEB: (180, 1800),
}
OPEN_CASE_CHANCE = 0.08
CLOSED_CASE_CHANCE = 0.15


@dataclass(frozen=True, slots=True)
class StaffIds:
    """Queue ids by name and agent ids by skill ("general" lists every agent)."""

    queues: dict[str, int]
    agents: dict[str, list[int]]


@dataclass
class History:
    """One customer's cases and interactions; an interaction's ``case_ref`` indexes ``cases``."""

    cases: list[dict[str, Any]] = field(default_factory=list)
    interactions: list[dict[str, Any]] = field(default_factory=list)


def plan_history(customer: DemoCustomer, staff: StaffIds, now: datetime) -> History:
    """The same history for the same customer on every run, dated back from ``now``."""
    rng = random.Random(SEED + customer.index)
    history = History()
    contact = _Contacts(rng, customer, staff, now)
    for _ in range(rng.randint(0, 2 * VISITS[customer.values["tier"]] - 1)):
        history.interactions.append(contact.make(contact.moment(1, HISTORY_DAYS)))
    if rng.random() < CLOSED_CASE_CHANCE:
        _closed_case(rng, contact, history)
    if rng.random() < OPEN_CASE_CHANCE:
        _open_case(rng, contact, history)
    history.interactions.sort(key=lambda row: row["started_at"])
    return history


def _closed_case(rng: random.Random, contact: _Contacts, history: History) -> None:
    topic = _topic(rng)
    opener = contact.make(contact.moment(20, HISTORY_DAYS - 5), topic, "callback")
    later = opener["started_at"] + timedelta(days=rng.uniform(1, 10))
    follow_up = contact.make(later, topic, "resolved")
    _add_case(rng, history, topic, opener, [follow_up], CaseStatus.CLOSED)


def _open_case(rng: random.Random, contact: _Contacts, history: History) -> None:
    topic = _topic(rng)
    opener = contact.make(contact.moment(2, 30), topic, rng.choice(("callback", "transferred")))
    chasers = []
    if rng.random() < 0.4:
        chasers.append(contact.make(opener["started_at"] + timedelta(days=1), topic, "callback"))
    _add_case(rng, history, topic, opener, chasers, CaseStatus.OPEN)


def _add_case(
    rng: random.Random,
    history: History,
    topic: Topic,
    opener: dict[str, Any],
    later: list[dict[str, Any]],
    status: CaseStatus,
) -> None:
    last = later[-1] if later else opener
    history.cases.append(
        {
            "customer_id": opener["customer_id"],
            "subject": rng.choice(topic.subjects),
            "description": opener["notes"],
            "status": status,
            "opened_at": opener["started_at"],
            "closed_at": last["ended_at"] if status is CaseStatus.CLOSED else None,
            "owner_agent_id": opener["agent_id"],
        }
    )
    for row in (opener, *later):
        row["case_ref"] = len(history.cases) - 1
        history.interactions.append(row)


def _topic(rng: random.Random) -> Topic:
    return rng.choices(TOPICS, weights=[topic.weight for topic in TOPICS])[0]


def _pick(rng: random.Random, weights: dict[Any, int]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class _Contacts:
    """Makes one customer's interactions: channel, queue, agent, outcome, times."""

    def __init__(
        self, rng: random.Random, customer: DemoCustomer, staff: StaffIds, now: datetime
    ) -> None:
        self.rng, self.customer, self.staff, self.now = rng, customer, staff, now
        self.zone = ZoneInfo(customer.values["timezone"])

    def moment(self, min_days: float, max_days: float) -> datetime:
        """A time in the customer's daytime, between ``min_days`` and ``max_days`` ago."""
        day = (self.now - timedelta(days=self.rng.uniform(min_days, max_days))).astimezone(
            self.zone
        )
        clock = time(self.rng.randint(8, 19), self.rng.randint(0, 59), self.rng.randint(0, 59))
        return datetime.combine(day.date(), clock, tzinfo=self.zone).astimezone(UTC)

    def make(
        self, start: datetime, topic: Topic | None = None, outcome: str | None = None
    ) -> dict[str, Any]:
        """One interaction starting at ``start``; a case's opener gets its topic and outcome."""
        rng = self.rng
        topic = topic or _topic(rng)
        channel = InteractionChannel.VOICE if outcome else _pick(rng, CHANNELS)
        inbound = outcome is not None or channel is InteractionChannel.WEB or rng.random() < 0.85
        outcome = outcome or _pick(rng, OUTCOMES[channel])
        queue = self._queue(topic) if inbound else None
        wait = rng.randint(5, 240 if outcome != "abandoned" else 420)
        agent = None if outcome == "abandoned" else self._agent(queue or topic.queue)
        talk = 0 if outcome == "abandoned" else rng.randint(*TALK_SECONDS[channel])
        phones = (self.customer.phone, MAIN_NUMBER)
        if channel is InteractionChannel.WEB:
            phones = ("", "")
        elif not inbound:
            phones = phones[::-1]
        return {
            "customer_id": self.customer.id,
            "channel": channel,
            "direction": Direction.INBOUND if inbound else Direction.OUTBOUND,
            "from_number": phones[0],
            "to_number": phones[1],
            "started_at": start,
            "ended_at": start + timedelta(seconds=wait + talk),
            "queue_id": self.staff.queues.get(queue) if queue else None,
            "agent_id": agent,
            "outcome": outcome,
            "wrap_up_code": "" if agent is None else rng.choice(topic.wrap_up_codes),
            "notes": "" if agent is None else rng.choice(topic.notes),
            "details": {"topic": topic.name, "wait_seconds": wait} if inbound else {},
            "case_ref": None,
        }

    def _queue(self, topic: Topic) -> str:
        if self.customer.values["language"] == "es" and self.rng.random() < 0.8:
            return "spanish"
        if self.customer.values["tier"] in (Tier.PLATINUM, Tier.GOLD) and self.rng.random() < 0.7:
            return "priority"
        return topic.queue

    def _agent(self, skill: str) -> int | None:
        agents = self.staff.agents.get(skill) or self.staff.agents.get("general")
        return self.rng.choice(agents) if agents else None


@dataclass(frozen=True, slots=True)
class HistoryCounts:
    """How many cases (and of those open) and interactions were written."""

    cases: int
    open_cases: int
    interactions: int


def insert_history(
    session: Session, customers: list[DemoCustomer], staff: StaffIds, now: datetime
) -> HistoryCounts:
    """Plan and insert the history of customers that were just created."""
    plans = [plan_history(customer, staff, now) for customer in customers]
    cases = [case for plan in plans for case in plan.cases]
    case_ids: list[int] = []
    if cases:
        statement = insert(Case).returning(Case.id, sort_by_parameter_order=True)
        case_ids = list(session.scalars(statement, cases).all())
    interactions: list[dict[str, Any]] = []
    offset = 0
    for plan in plans:
        for row in plan.interactions:
            ref = row.pop("case_ref")
            interactions.append({**row, "case_id": None if ref is None else case_ids[offset + ref]})
        offset += len(plan.cases)
    if interactions:
        session.execute(insert(Interaction), interactions)
    open_cases = sum(case["status"] is CaseStatus.OPEN for case in cases)
    return HistoryCounts(len(cases), open_cases, len(interactions))
