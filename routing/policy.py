"""The priority policy: a base score from value and history, plus aging, with a readable trace.

A contact's score while it waits is ``base + aging_per_second * waited``. Aging is linear and
the same for every contact, so the order of two waiting contacts never changes with time: at
time ``t`` the score is ``store_score + aging_per_second * t`` and ``aging_per_second * t`` is
common to all. The queue store therefore keeps one fixed number per contact,
``store_score = base - aging_per_second * arrived_at``, and serves the highest first; ties go
to the earlier arrival, then to the smaller id. A callback keeps the arrival time of the call
that asked for it, so it is interleaved with live callers by that time.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from routing import trace
from routing.model import Contact, CustomerValue, History, Priority, WaitingContact
from routing.weights import Weights

Part = tuple[float, str]


def prioritize(contact: Contact, weights: Weights) -> Priority:
    """The contact's base priority and the reasons for it ("tier gold +30", ...)."""
    parts = [
        _tier(contact.customer, weights),
        *_value(contact.customer, weights),
        *_history(contact.history, weights),
        *_hint(contact.priority_hint, weights),
    ]
    # fsum rounds once, so no base can exceed Weights.max_base by rounding (see the bound).
    base = math.fsum(points for points, _ in parts)
    return Priority(base, tuple(f"{text} {trace.points(points)}" for points, text in parts))


def waiting_contact(contact: Contact, weights: Weights) -> WaitingContact:
    """The contact with its priority, ready for the queue store."""
    return WaitingContact(contact, prioritize(contact, weights))


def effective_score(priority: Priority, waited_seconds: float, weights: Weights) -> float:
    """The score after waiting ``waited_seconds``: base plus linear aging."""
    return priority.base + weights.aging_per_second * max(0.0, waited_seconds)


def explain(priority: Priority, waited_seconds: float, weights: Weights) -> tuple[str, ...]:
    """The priority trace with the aging so far ("waited 95 s +9.5") at the end."""
    aging = weights.aging_per_second * max(0.0, waited_seconds)
    return (*priority.trace, f"waited {trace.seconds(waited_seconds)} {trace.points(aging)}")


def store_score(priority: Priority, arrived_at: float, weights: Weights) -> float:
    """The time-invariant score the queue store sorts by: higher is served first."""
    return priority.base - weights.aging_per_second * arrived_at


def serving_key(entry: WaitingContact, weights: Weights) -> tuple[float, float, str]:
    """Sort key for serving order: highest store score, then earliest arrival, then id."""
    arrived_at = entry.contact.arrived_at
    return (-store_score(entry.priority, arrived_at, weights), arrived_at, entry.contact.id)


def serving_order(
    entries: Iterable[WaitingContact], weights: Weights
) -> tuple[WaitingContact, ...]:
    """Waiting contacts in the order agents should take them."""
    return tuple(sorted(entries, key=lambda entry: serving_key(entry, weights)))


def starvation_bound(weights: Weights) -> float:
    """Seconds after which a later arrival can never pass a waiting contact.

    Claim: a contact A is never served after a contact B that arrived more than
    ``(max_base - min_base) / aging_per_second`` seconds after A.

    Proof: let r be the aging rate and D = max_base - min_base. Every base lies in
    [min_base, max_base] (each item is at least 0 and capped, and the tier points, or the
    unknown-caller points, are between the lowest and the highest), so b_B - b_A <= D. B goes
    before A only if store_score(B) >= store_score(A), that is
    (b_B - r * a_B) - (b_A - r * a_A) >= 0, that is b_B - b_A >= r * (a_B - a_A). If
    a_B - a_A > D / r, the right side exceeds D >= b_B - b_A: impossible. Since the store order
    is the order at every instant (see the module docstring), B never passes A. Consequence:
    once A has waited D / r seconds, every newcomer queues behind it, so A waits at most for
    the finitely many contacts already ahead of it: nobody starves. (Bases are summed with
    math.fsum, so they never round past max_base; the store score itself rounds by well under
    a microsecond's worth of aging at today's epoch times.) A contact waiting on a sticky
    reservation may also be passed while reserved, by contacts that arrived less than
    ``sticky_wait_seconds`` after it (see routing.choice.choose_contact).
    """
    return (weights.max_base - weights.min_base) / weights.aging_per_second


def _tier(customer: CustomerValue, weights: Weights) -> Part:
    if customer.tier is None:
        return weights.unknown_caller, "unknown caller"
    if customer.tier not in weights.tiers:
        return weights.unknown_caller, f"tier {customer.tier} (not weighted, as unknown caller)"
    return weights.tiers[customer.tier], f"tier {customer.tier}"


def _value(customer: CustomerValue, weights: Weights) -> list[Part]:
    units = customer.lifetime_value / weights.lifetime_value_unit
    points = weights.lifetime_value.points(units)
    capped = " (capped)" if points < units * weights.lifetime_value.per else ""
    return _nonzero(points, f"lifetime value {customer.lifetime_value:,.0f}{capped}")


def _history(history: History, weights: Weights) -> list[Part]:
    parts: list[Part] = []
    cases = history.open_cases
    if cases:
        label = "open case" if len(cases) == 1 else "open cases"
        numbers = ", ".join(f"#{case}" for case in cases)
        points = weights.open_cases.points(len(cases))
        capped = " (capped)" if points < len(cases) * weights.open_cases.per else ""
        parts += _nonzero(points, f"{label} {numbers}{capped}")
    for count, rule, window in (
        (history.contacts_24h, weights.contacts_24h, "24 h"),
        (history.contacts_7d, weights.contacts_7d, "7 days"),
    ):
        points = rule.points(count)
        capped = " (capped)" if points < count * rule.per else ""
        parts += _nonzero(points, f"{trace.ordinal(count + 1)} contact in {window}{capped}")
    if history.bad_outcome:
        outcome = str(history.last_outcome).replace("_", " ")
        parts += _nonzero(weights.recent_bad_outcome, f"last contact {outcome}")
    return parts


def _hint(hint: int, weights: Weights) -> list[Part]:
    return _nonzero(weights.priority_hint.points(hint), f"IVR priority {hint}")


def _nonzero(points: float, text: str) -> list[Part]:
    return [(points, text)] if points > 0 else []
