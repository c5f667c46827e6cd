"""Branch conditions evaluated against a call's context."""

from __future__ import annotations

from ivr_flows.context import CallContext
from ivr_flows.model import BranchNode, Condition


def holds(condition: Condition, context: CallContext, language: str) -> bool:
    """Whether every test set in ``condition`` holds for this call (in ``language`` now)."""
    caller = context.caller
    tests = (
        condition.business_hours is None
        or condition.business_hours.is_open(context.now, context.closed_switches),
        condition.tier is None or caller.tier in condition.tier,
        condition.caller_language is None or caller.language in condition.caller_language,
        condition.language is None or language in condition.language,
        condition.region is None or caller.region in condition.region,
        condition.has_open_case is None or caller.has_open_case == condition.has_open_case,
        condition.known_caller is None or caller.known == condition.known_caller,
        condition.incident_affects_caller is None
        or context.incident_affects_caller == condition.incident_affects_caller,
    )
    return all(tests)


def choose_branch(node: BranchNode, context: CallContext, language: str) -> str:
    """The target of the first case that holds, else the default."""
    for case in node.cases:
        if holds(case.condition, context, language):
            return case.then
    return node.default


def branch_targets(node: BranchNode) -> tuple[str, ...]:
    """Every place a branch can lead, for the verifier: each case and the default."""
    return (*(case.then for case in node.cases), node.default)
