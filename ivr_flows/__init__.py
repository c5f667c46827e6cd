"""IVR flows: declarative call flows in YAML, a verifier for the human guarantee, and a pure engine.

This package imports no web framework, telephony SDK or store: plain data in, decisions out.
"""

from ivr_flows.actions import (
    Action,
    Callback,
    Enqueue,
    Gather,
    Hangup,
    HumanFallback,
    KbAnswer,
    Play,
    Say,
    SubscribeUpdates,
    Transfer,
    Voicemail,
    describe,
)
from ivr_flows.context import CallContext, Caller, CallerReply
from ivr_flows.engine import Step, ask_for_person, resume, start
from ivr_flows.errors import CallStateError, FlowError, Problem
from ivr_flows.flowset import FlowSet
from ivr_flows.loader import SHIPPED_FLOWS, flow_files, load_flow, load_flows, parse_flow
from ivr_flows.model import Flow, Node
from ivr_flows.report import VerifyReport, load_flow_set, verify_paths
from ivr_flows.state import CallState
from ivr_flows.verify import VerifyResult, verify_flow

__all__ = [
    "SHIPPED_FLOWS",
    "Action",
    "CallContext",
    "CallState",
    "CallStateError",
    "Callback",
    "Caller",
    "CallerReply",
    "Enqueue",
    "Flow",
    "FlowError",
    "FlowSet",
    "Gather",
    "Hangup",
    "HumanFallback",
    "KbAnswer",
    "Node",
    "Play",
    "Problem",
    "Say",
    "Step",
    "SubscribeUpdates",
    "Transfer",
    "VerifyReport",
    "VerifyResult",
    "Voicemail",
    "ask_for_person",
    "describe",
    "flow_files",
    "load_flow",
    "load_flow_set",
    "load_flows",
    "parse_flow",
    "resume",
    "start",
    "verify_flow",
    "verify_paths",
]
