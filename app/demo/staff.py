"""Demo queues and staff: created once, found again by queue name and user email."""

from __future__ import annotations

import copy
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.demo.names import ascii_fold
from app.models import Agent, AgentSkill, Queue, Role, User

TIMEZONE = "America/New_York"
EMAIL_DOMAIN = "helpline.example"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def _hours(weekdays: str, saturday: str | None = None, sunday: str | None = None) -> dict[str, Any]:
    """Business hours: the same span every weekday, optional weekend spans."""
    week = {day: [weekdays.split("-")] for day in WEEKDAYS}
    for day, span in (("sat", saturday), ("sun", sunday)):
        if span:
            week[day] = [span.split("-")]
    return week


@dataclass(frozen=True, slots=True)
class QueueSpec:
    """A demo queue; ``overflow`` names the queue a caller moves to after ``max_wait``."""

    name: str
    description: str
    skills: tuple[str, ...]
    max_wait: int
    overflow: str | None
    hours: dict[str, Any]
    language: str = "en"


# Outage lines never close; "24:00" as a closing time follows ivr_flows.hours.
ALWAYS = "00:00-24:00"
OFFICE = _hours("08:00-20:00", "09:00-17:00")
EXTENDED = _hours("07:00-22:00", "08:00-20:00", "10:00-16:00")
# Every overflow chain ends at general, which has none.
QUEUES = (
    QueueSpec("general", "Anything else; any agent", (), 600, None, OFFICE),
    QueueSpec("billing", "Bills, payments, refunds", ("billing",), 300, "general", OFFICE),
    QueueSpec(
        "tech_support", "Devices, broadband, signal", ("tech_support",), 300, "general", EXTENDED
    ),
    QueueSpec(
        "sales",
        "New services and upgrades",
        ("sales",),
        240,
        "general",
        _hours("09:00-19:00", "10:00-16:00"),
    ),
    QueueSpec(
        "outage",
        "Power and network outages",
        ("outage",),
        120,
        "tech_support",
        _hours(ALWAYS, ALWAYS, ALWAYS),
    ),
    QueueSpec("priority", "Gold and platinum customers", ("priority",), 120, "general", EXTENDED),
    QueueSpec(
        "spanish", "Atención en español", ("spanish",), 300, "general", OFFICE, language="es"
    ),
)

# first name, last name, languages, skills with proficiency 1-5
AGENTS = (
    ("Ana", "Torres", "en es", "billing:4 spanish:5 priority:3"),
    ("Ben", "Carter", "en", "tech_support:5 outage:4"),
    ("Chloe", "Nguyen", "en", "billing:5 priority:5 sales:3"),
    ("Diego", "Ramírez", "en es", "tech_support:4 spanish:5 outage:3"),
    ("Emma", "Walsh", "en", "sales:5 billing:3 new_service:4 plans:5"),
    ("Farid", "Haddad", "en", "tech_support:3 outage:5"),
    ("Grace", "Kim", "en", "priority:4 tech_support:4 billing:3"),
    ("Hector", "Morales", "en es", "sales:4 spanish:4 moves:4 new_service:3"),
    ("Isla", "Brooks", "en", "billing:3 sales:2"),
    ("Jamal", "Reed", "en", "tech_support:4 outage:3 priority:3"),
    ("Kara", "Olsen", "en", "billing:4 outage:2"),
    ("Luis", "Fernández", "en es", "billing:3 spanish:5 tech_support:2"),
    ("Maya", "Patel", "en", "tech_support:5 priority:4"),
    ("Noah", "Fischer", "en", "sales:3 tech_support:2 moves:3"),
    ("Olivia", "Grant", "en", "billing:2"),
    ("Pablo", "Ortega", "en es", "outage:4 spanish:4 tech_support:3"),
    ("Quinn", "Baker", "en", "sales:4 priority:3 plans:4 moves:2"),
    ("Rosa", "Delgado", "en es", "billing:4 spanish:5 sales:3 plans:3 new_service:2"),
    ("Sam", "Whitaker", "en", "tech_support:1 billing:1"),
    ("Tara", "Singh", "en", "outage:3 billing:3 priority:2"),
)
SUPERVISOR = ("Morgan Lee", f"morgan.lee@{EMAIL_DOMAIN}", Role.SUPERVISOR)
ADMIN = ("Helpline Admin", f"admin@{EMAIL_DOMAIN}", Role.ADMIN)


@dataclass(frozen=True, slots=True)
class Login:
    """A demo user's email and the password generated for it."""

    email: str
    password: str
    role: Role


def ensure_queues(session: Session) -> tuple[int, int]:
    """Create the demo queues that do not exist yet (by name); how many were made and found."""
    existing = set(session.scalars(select(Queue.name)))
    specs = {spec.name: spec for spec in QUEUES if spec.name not in existing}
    created = [_queue(spec) for spec in specs.values()]
    session.add_all(created)
    session.flush()
    by_name = {name: id_ for name, id_ in session.execute(select(Queue.name, Queue.id))}
    for queue in created:
        target = specs[queue.name].overflow
        queue.overflow_queue_id = by_name.get(target) if target else None
    return len(created), len(QUEUES) - len(created)


def _queue(spec: QueueSpec) -> Queue:
    return Queue(
        name=spec.name,
        description=spec.description,
        required_skills=list(spec.skills),
        language=spec.language,
        max_wait_seconds=spec.max_wait,
        business_hours=copy.deepcopy(spec.hours),
        timezone=TIMEZONE,
    )


def agent_email(first: str, last: str) -> str:
    """The login email of a demo agent, in plain ASCII."""
    return f"{ascii_fold(first)}.{ascii_fold(last)}@{EMAIL_DOMAIN}".lower()


def ensure_staff(session: Session) -> tuple[list[Login], int]:
    """Create the demo users (agents, a supervisor, an admin) that do not exist yet.

    Returns the logins of the users created now and how many demo users already existed.
    """
    wanted = [
        (f"{first} {last}", agent_email(first, last), Role.AGENT) for first, last, *_ in AGENTS
    ]
    wanted += [ADMIN, SUPERVISOR]
    emails = [email for _, email, _ in wanted]
    existing = set(session.scalars(select(User.email).where(User.email.in_(emails))))
    logins: list[Login] = []
    for index, (name, email, role) in enumerate(wanted):
        if email in existing:
            continue
        user = User(name=name, email=email, role=role)
        password = secrets.token_urlsafe(12)
        user.set_password(password)
        if role is Role.AGENT:
            user.agent = _agent(index)
        session.add(user)
        logins.append(Login(email, password, role))
    session.flush()
    return logins, len(existing)


def _agent(index: int) -> Agent:
    first, _last, languages, skills = AGENTS[index]
    return Agent(
        languages=languages.split(),
        phone_number=f"+1737555{index + 101:04d}",
        client_identity=f"agent_{first.lower()}",
        skills=[
            AgentSkill(skill=skill, proficiency=int(level))
            for skill, level in (item.split(":") for item in skills.split())
        ],
    )


def agents_by_skill(session: Session) -> dict[str, list[int]]:
    """The ids of active agents for each skill, plus every agent under "general"."""
    rows = session.execute(
        select(Agent.id, AgentSkill.skill)
        .join(User, Agent.user_id == User.id)
        .outerjoin(AgentSkill, AgentSkill.agent_id == Agent.id)
        .where(User.active.is_(True))
        .order_by(Agent.id)
    )
    skills: dict[str, list[int]] = {"general": []}
    for agent_id, skill in rows:
        if agent_id not in skills["general"]:
            skills["general"].append(agent_id)
        if skill:
            skills.setdefault(skill, []).append(agent_id)
    return skills
