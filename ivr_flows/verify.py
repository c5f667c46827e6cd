"""The human guarantee, checked before a flow is served.

The verifier walks every state a call can be in: each node, with the number of prompts
already heard there, and whether a person was already offered. From an input node it
follows every possible answer (each option, the escape, silence, invalid input, a valid
value) through ``semantics.after_input``, the same function the engine runs; from a branch
it follows every case and the default. It fails a flow when a call can end before a person
was offered, when a loop lets a caller go round for ever, when an escape does not lead
straight to a person, or when a caller can hear more than ``max_prompts_to_human`` prompts.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass, field

from ivr_flows.conditions import branch_targets
from ivr_flows.errors import Problem
from ivr_flows.model import (
    HUMAN_NODES,
    INPUT_NODES,
    BranchNode,
    CallbackNode,
    Flow,
    HangupNode,
    LanguageNode,
    Node,
    PlayNode,
    QueueNode,
    SayNode,
    SubscribeUpdatesNode,
    VoicemailNode,
)
from ivr_flows.semantics import Retry, after_input, escape_target, possible_events


@dataclass(frozen=True)
class VerifyResult:
    """The verdict on one flow: ``bound`` is the most prompts a caller meets before a person.

    ``bound`` is None when there is none: the file could not be loaded (then
    ``max_prompts_to_human`` is None too), or a call can end or loop before a person.
    """

    flow_id: str
    source: str
    ok: bool
    bound: int | None
    max_prompts_to_human: int | None
    worst_path: tuple[str, ...] = ()
    errors: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form."""
        return {
            "flow": self.flow_id,
            "file": self.source,
            "ok": self.ok,
            "bound": self.bound,
            "max_prompts_to_human": self.max_prompts_to_human,
            "worst_path": list(self.worst_path),
            "errors": [problem.to_dict() for problem in self.errors],
            "warnings": [problem.to_dict() for problem in self.warnings],
        }


@dataclass(frozen=True)
class _At:
    """A call state the verifier tracks: entering ``node`` or asking there for the nth time."""

    node: str | None
    human: bool
    asking: bool = False
    heard: int = 0


@dataclass
class _Walk:
    flow: Flow
    cost: dict[_At, int] = field(default_factory=dict)
    worst: dict[_At, _At | None] = field(default_factory=dict)
    errors: dict[str, Problem] = field(default_factory=dict)

    def problem(self, where: Node | int | None, key: str, message: str) -> None:
        """Record one error per ``key`` (a dead end, a loop...), at a node's line or a line."""
        if isinstance(where, int):
            line = where
        else:
            line = self.flow.line if where is None else where.line
        self.errors.setdefault(key, Problem(self.flow.source, line, message))

    def reaches_a_person(self) -> bool:
        """No dead end and no loop so far: then every call meets a person, and costs count."""
        return not any(key.startswith(("end:", "loop:")) for key in self.errors)

    def moves(self, at: _At) -> list[_At]:
        """Where a call can go next from ``at``."""
        if at.node is None:
            return []
        node = self.flow.nodes[at.node]
        if at.asking and isinstance(node, INPUT_NODES):
            moves: list[_At] = []
            for event in possible_events(node):
                step = after_input(self.flow, node, at.heard + 1, event)
                if isinstance(step, Retry):
                    moves.append(_At(node.id, at.human, asking=True, heard=at.heard + 1))
                else:
                    moves.append(_At(step.node, at.human))
            return moves
        return [
            _At(target, at.human or isinstance(node, HUMAN_NODES), asking=ask)
            for target, ask in _entry(node)
        ]

    def explore(self, root: _At) -> None:
        """Depth-first over every state reachable from ``root``, longest prompt count first."""
        if root in self.cost:
            return
        self.check_end(root, [root])
        stack: list[tuple[_At, Iterator[_At]]] = [(root, iter(self.moves(root)))]
        on_path = {root: 0}
        while stack:
            at, pending = stack[-1]
            child = next(pending, None)
            if child is None:
                stack.pop()
                del on_path[at]
                self.settle(at)
            elif child in on_path:
                self.loop([state for state, _ in stack[on_path[child] :]])
            elif child not in self.cost:
                on_path[child] = len(stack)
                stack.append((child, iter(self.moves(child))))
                self.check_end(child, [state for state, _ in stack])

    def settle(self, at: _At) -> None:
        """The most prompts from ``at`` to a person, once all its moves are settled."""
        most = 0
        worst_move: _At | None = None
        for move in self.moves(at):
            if worst_move is None or self.cost.get(move, 0) > most:
                most, worst_move = self.cost.get(move, 0), move
        self.cost[at] = most + (1 if at.asking and not at.human else 0)
        self.worst[at] = worst_move

    def check_end(self, at: _At, path: list[_At]) -> None:
        """A call that ends at ``at`` before a person was offered is an error."""
        node = None if at.node is None else self.flow.nodes[at.node]
        if at.human or at.asking or node is None:
            return
        ends = isinstance(node, SayNode | PlayNode) and node.next is None
        if ends or isinstance(node, HangupNode):
            kind = "hangs up" if isinstance(node, HangupNode) else "ends"
            message = f"the call {kind} at node '{node.id}' before a person was offered"
            self.problem(node, f"end:{node.id}", f"{message} (path: {_spell(path)})")

    def loop(self, cycle: list[_At]) -> None:
        """A cycle of states: the caller could go round it for ever."""
        names = sorted({str(state.node) for state in cycle})
        closing = self.flow.nodes.get(str(cycle[-1].node))
        message = "a caller can go round this loop for ever, with no way out forced: " + _spell(
            [*cycle, cycle[0]]
        )
        self.problem(closing, "loop:" + ",".join(names), message)


def _entry(node: Node) -> list[tuple[str | None, bool]]:
    """Where entering ``node`` leads: (node id, whether that is asking at this node)."""
    if isinstance(node, SayNode | PlayNode | CallbackNode | SubscribeUpdatesNode):
        return [] if node.next is None else [(node.next, False)]
    if isinstance(node, BranchNode):
        return [(target, False) for target in dict.fromkeys(branch_targets(node))]
    if isinstance(node, LanguageNode):
        skip: list[tuple[str | None, bool]] = []
        if node.set or node.use_caller_language:
            skip.append((node.next, False))
        return skip + ([(node.id, True)] if node.set is None else [])
    if isinstance(node, INPUT_NODES):
        return [(node.id, True)]
    return []


def _spell(path: list[_At]) -> str:
    names: list[str] = []
    for state in path:
        name = "the fallback line" if state.node is None else state.node
        if not names or names[-1] != name or (state.asking and state.heard > 0):
            names.append(name)
    return " → ".join(names)


def verify_flow(flow: Flow, *, known_queues: Collection[str] | None = None) -> VerifyResult:
    """Check the human guarantee for ``flow``; ``known_queues`` also flags unknown queue names."""
    walk = _Walk(flow)
    root = _At(flow.start, human=False)
    walk.explore(root)
    # Past a dead end or round a loop, the prompt count to a person means nothing.
    bound = walk.cost.get(root, 0) if walk.reaches_a_person() else None
    worst = _worst_path(walk, root) if bound is not None else ()
    if bound is not None and bound > flow.max_prompts_to_human:
        message = (
            f"a caller can hear {bound} prompts before reaching a person, more than "
            f"max_prompts_to_human ({flow.max_prompts_to_human}): {' → '.join(worst)}"
        )
        walk.problem(flow.key_line("max_prompts_to_human"), "bound", message)
    _check_escapes(walk)
    _check_queues(walk, known_queues)
    reached = {state.node for state in walk.cost}
    warnings = tuple(
        Problem(flow.source, node.line, f"node '{node.id}' cannot be reached from '{flow.start}'")
        for node in flow.nodes.values()
        if node.id not in reached
    )
    errors = tuple(sorted(walk.errors.values()))
    return VerifyResult(
        flow.id, flow.source, not errors, bound, flow.max_prompts_to_human, worst, errors, warnings
    )


def _worst_path(walk: _Walk, root: _At) -> tuple[str, ...]:
    """The nodes on a path with the most prompts: one entry per node, one more per repeat prompt."""
    path: list[_At] = []
    at: _At | None = root
    while at is not None and at not in path:
        path.append(at)
        at = walk.worst.get(at)
    return tuple(_spell(path).split(" → "))


def _check_escapes(walk: _Walk) -> None:
    """0 and "agent" (and giving up) must lead to a person without one more prompt."""
    flow = walk.flow
    asking = dict.fromkeys(str(state.node) for state in list(walk.cost) if state.asking)
    for node_id in asking:
        node = flow.nodes[node_id]
        if not isinstance(node, INPUT_NODES):
            continue
        target = escape_target(flow, node)
        entry = _At(target, human=False)
        walk.explore(entry)
        if walk.cost.get(entry, 0) > 0:
            message = (
                f"the escape from node '{node.id}' ('{target}') asks another question "
                "before a person"
            )
            walk.problem(node, f"escape:{node.id}", message)


def _check_queues(walk: _Walk, known_queues: Collection[str] | None) -> None:
    if known_queues is None:
        return
    for node in walk.flow.nodes.values():
        if (
            isinstance(node, QueueNode | VoicemailNode | CallbackNode)
            and node.queue not in known_queues
        ):
            walk.problem(
                node, f"queue:{node.id}", f"node '{node.id}' uses unknown queue '{node.queue}'"
            )
