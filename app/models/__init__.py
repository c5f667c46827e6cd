"""The SQLAlchemy models, one module per aggregate, imported here so metadata is complete."""

from app.models.agents import Agent, AgentSkill, Role, User
from app.models.audit import AuditEntry
from app.models.base import ADDRESS_LENGTH, Base, utcnow
from app.models.broadcasts import (
    Broadcast,
    BroadcastChannel,
    BroadcastState,
    Delivery,
    DeliveryState,
    RecipientSource,
)
from app.models.calls import CallStep
from app.models.cases import Case, CaseStatus
from app.models.community import (
    Answer,
    LearnedPairing,
    Phrasing,
    PhrasingSource,
    PostStatus,
    Question,
)
from app.models.consent import Channel, ConsentEvent, ConsentSource, Purpose
from app.models.customers import Account, Customer, Tier
from app.models.incidents import (
    Incident,
    IncidentScope,
    IncidentState,
    IncidentUpdate,
    ScopeKind,
    Severity,
)
from app.models.interactions import Direction, Interaction, InteractionChannel
from app.models.interval_stats import IntervalStat
from app.models.kb_index import KbDocument, KbTerm
from app.models.members import Flag, Member, Vote
from app.models.queues import Queue
from app.models.status_subscriptions import StatusSubscription, SubscriptionState
from app.models.tasks import Task, TaskKind, TaskStatus
from app.models.texting import (
    Conversation,
    ConversationState,
    Deflection,
    DeflectionChannel,
    DeflectionOutcome,
    Message,
    MessageDirection,
    UnansweredQuestion,
)

__all__ = [
    "ADDRESS_LENGTH",
    "Account",
    "Agent",
    "Answer",
    "AgentSkill",
    "AuditEntry",
    "Base",
    "Broadcast",
    "BroadcastChannel",
    "BroadcastState",
    "CallStep",
    "Case",
    "CaseStatus",
    "Channel",
    "ConsentEvent",
    "ConsentSource",
    "Conversation",
    "ConversationState",
    "Customer",
    "Deflection",
    "Delivery",
    "DeliveryState",
    "DeflectionChannel",
    "DeflectionOutcome",
    "Direction",
    "Flag",
    "Incident",
    "IncidentScope",
    "IncidentState",
    "IncidentUpdate",
    "Interaction",
    "InteractionChannel",
    "IntervalStat",
    "KbDocument",
    "KbTerm",
    "LearnedPairing",
    "Member",
    "Message",
    "MessageDirection",
    "Phrasing",
    "PhrasingSource",
    "PostStatus",
    "Purpose",
    "Queue",
    "Question",
    "RecipientSource",
    "Role",
    "ScopeKind",
    "Severity",
    "StatusSubscription",
    "SubscriptionState",
    "Task",
    "TaskKind",
    "TaskStatus",
    "Tier",
    "UnansweredQuestion",
    "User",
    "Vote",
    "utcnow",
]
