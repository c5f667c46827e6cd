"""The SQLAlchemy models, one module per aggregate, imported here so metadata is complete."""

from app.models.agents import Agent, AgentSkill, Role, User
from app.models.base import Base, utcnow
from app.models.cases import Case, CaseStatus
from app.models.consent import Channel, ConsentEvent, ConsentSource, Purpose
from app.models.customers import Account, Customer, Tier
from app.models.interactions import Direction, Interaction, InteractionChannel
from app.models.queues import Queue

__all__ = [
    "Account",
    "Agent",
    "AgentSkill",
    "Base",
    "Case",
    "CaseStatus",
    "Channel",
    "ConsentEvent",
    "ConsentSource",
    "Customer",
    "Direction",
    "Interaction",
    "InteractionChannel",
    "Purpose",
    "Queue",
    "Role",
    "Tier",
    "User",
    "utcnow",
]
