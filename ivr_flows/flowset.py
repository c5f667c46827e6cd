"""The flows a line serves, and which one answers a called number."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from ivr_flows.errors import FlowError, Problem
from ivr_flows.model import BranchNode, Flow


@dataclass(frozen=True)
class FlowSet:
    """Flows by id, each called number bound to one flow, and at most one default flow."""

    flows: Mapping[str, Flow]
    numbers: Mapping[str, str]
    default_id: str | None = None

    @classmethod
    def of(cls, flows: Iterable[Flow]) -> FlowSet:
        """Index ``flows``; a shared id or number, or a second default, is a FlowError."""
        by_id: dict[str, Flow] = {}
        numbers: dict[str, str] = {}
        default_id: str | None = None
        problems: list[Problem] = []
        for flow in flows:
            if flow.id in by_id:
                other = by_id[flow.id].source
                message = f"flow id '{flow.id}' is also used by {other}"
                problems.append(Problem(flow.source, flow.line, message))
                continue
            by_id[flow.id] = flow
            for number in flow.numbers:
                if number in numbers:
                    owner = by_id[numbers[number]].source
                    line = flow.number_lines.get(number, flow.line)
                    message = f"number {number} is also claimed by {owner}"
                    problems.append(Problem(flow.source, line, message))
                else:
                    numbers[number] = flow.id
            if flow.default and default_id is not None:
                owner = by_id[default_id].source
                message = f"a second default flow (the first is {owner})"
                problems.append(Problem(flow.source, flow.key_line("default"), message))
            elif flow.default:
                default_id = flow.id
        if problems:
            raise FlowError("the flows conflict", problems)
        return cls(by_id, numbers, default_id)

    def for_number(self, called: str) -> Flow:
        """The flow bound to the called number (Twilio's ``To``), else the default flow."""
        flow_id = self.numbers.get(called.strip(), self.default_id)
        if flow_id is None:
            raise FlowError(f"no flow answers {called!r} and there is no default flow")
        return self.flows[flow_id]

    def get(self, flow_id: str) -> Flow:
        """The flow with this id; a FlowError if there is none (say, a stale call state)."""
        try:
            return self.flows[flow_id]
        except KeyError:
            raise FlowError(f"no flow {flow_id!r}") from None

    def closed_switches(self) -> frozenset[str]:
        """The closed switches the flows' business-hours branches name."""
        return frozenset(
            case.condition.business_hours.closed_switch
            for flow in self.flows.values()
            for node in flow.nodes.values()
            if isinstance(node, BranchNode)
            for case in node.cases
            if case.condition.business_hours is not None
            and case.condition.business_hours.closed_switch is not None
        )

    def __iter__(self) -> Iterator[Flow]:
        return iter(self.flows.values())

    def __len__(self) -> int:
        return len(self.flows)
