"""Routing: who answers a contact and when, as plain data in and explained decisions out.

This package's core imports no web framework, telephony SDK or store driver; the Redis
queue store lives in routing.redis_store and is imported from there, never from here.
"""

from routing.choice import (
    after_missed_offer,
    check_can_take,
    choose_agent,
    choose_contact,
    is_staffed,
    overflow_reason,
    queues_for,
    rank_agents,
)
from routing.eligibility import can_serve, cannot_take
from routing.errors import (
    NoAgentAvailable,
    NoContactWaiting,
    NotEligible,
    RoutingError,
    WeightsError,
)
from routing.model import (
    BAD_OUTCOMES,
    SMS_PREFIX,
    TEXT_CAPACITY,
    VOICE_CAPACITY,
    Agent,
    Contact,
    CustomerValue,
    Decision,
    History,
    Presence,
    Priority,
    QueueConfig,
    WaitingContact,
)
from routing.policy import (
    effective_score,
    explain,
    prioritize,
    serving_key,
    serving_order,
    starvation_bound,
    store_score,
    waiting_contact,
)
from routing.sticky import Sticky, sticky
from routing.weights import (
    DEFAULT_WEIGHTS_FILE,
    Capped,
    Weights,
    default_weights,
    load_weights,
    parse_weights,
)

__all__ = [
    "BAD_OUTCOMES",
    "DEFAULT_WEIGHTS_FILE",
    "SMS_PREFIX",
    "TEXT_CAPACITY",
    "VOICE_CAPACITY",
    "Agent",
    "Capped",
    "Contact",
    "CustomerValue",
    "Decision",
    "History",
    "NoAgentAvailable",
    "NoContactWaiting",
    "NotEligible",
    "Presence",
    "Priority",
    "QueueConfig",
    "RoutingError",
    "Sticky",
    "WaitingContact",
    "Weights",
    "WeightsError",
    "after_missed_offer",
    "can_serve",
    "cannot_take",
    "check_can_take",
    "choose_agent",
    "choose_contact",
    "default_weights",
    "effective_score",
    "explain",
    "is_staffed",
    "load_weights",
    "overflow_reason",
    "parse_weights",
    "prioritize",
    "queues_for",
    "rank_agents",
    "serving_key",
    "serving_order",
    "starvation_bound",
    "sticky",
    "store_score",
    "waiting_contact",
]
