"""The flow engine: a pure step machine the voice webhooks drive.

``start`` enters a flow; ``resume`` takes the caller's reply to the last Gather. Each step
follows nodes that need no input (say, branch, language...) until the engine must listen
again or has handed the call to people. Caller input never raises; an inconsistent flow or
state raises FlowError, which the web layer turns into a call to the fallback line.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ivr_flows import speech
from ivr_flows.actions import (
    HANDOVERS,
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
)
from ivr_flows.conditions import choose_branch
from ivr_flows.context import CallContext, CallerReply
from ivr_flows.errors import CallStateError, FlowError
from ivr_flows.model import (
    INPUT_NODES,
    BranchNode,
    CallbackNode,
    Flow,
    HangupNode,
    InputNode,
    LanguageNode,
    Node,
    PlayNode,
    Prompt,
    QueueNode,
    SayNode,
    SubscribeUpdatesNode,
    TransferNode,
    VoicemailNode,
)
from ivr_flows.replies import classify
from ivr_flows.semantics import Accepted, Goto, Retry, after_input, escape_target
from ivr_flows.state import CallState


@dataclass(frozen=True)
class Step:
    """Actions to perform now, in order, and the state to resume from after a Gather."""

    actions: tuple[Action, ...]
    state: CallState
    visited: tuple[str, ...] = ()

    @property
    def gather(self) -> Gather | None:
        """The Gather that ends this step, if the engine waits for the caller."""
        last = self.actions[-1] if self.actions else None
        return last if isinstance(last, Gather) else None

    @property
    def handover(self) -> Action | None:
        """The action that hands the call to people (queue, transfer, voicemail...), if any."""
        return next((action for action in self.actions if isinstance(action, HANDOVERS)), None)


def start(flow: Flow, context: CallContext) -> Step:
    """Answer a new call with ``flow``."""
    state = CallState(flow_id=flow.id, node_id=flow.start, language=flow.default_language)
    return _Run(flow, context, state).follow(flow.start)


def ask_for_person(flow: Flow, context: CallContext, language: str) -> Step:
    """A caller who asked for a person outside the flow's menus (0 pressed in a call we
    placed): where 0 leads anywhere in ``flow``, its escape node; the fallback line if it
    names none. ``language`` if the flow speaks it, else the flow's default."""
    spoken = language if language in flow.languages else flow.default_language
    state = CallState(flow_id=flow.id, node_id=flow.escape or flow.start, language=spoken)
    run = _Run(flow, context, state)
    if flow.escape is None:
        return run.follow(run.fallback(_FALLBACK_REASONS["escape"]))
    return run.follow(flow.escape)


def resume(flow: Flow, state: CallState, context: CallContext, reply: CallerReply) -> Step:
    """Go on from ``state`` with the caller's ``reply`` to its Gather (empty reply: silence)."""
    node = _waiting_node(flow, state)
    event = classify(flow, node, reply)
    transition = after_input(flow, node, state.tries, event)
    run = _Run(flow, context, state)
    if isinstance(transition, Retry):
        before = speech.notice(flow, node, transition.notice, state.language)
        return run.follow(run.ask(node, (before,)))
    if transition.reason == "asked":
        if isinstance(event, Accepted):
            run.actions.append(KbAnswer(question=event.value, language=state.language))
        run.actions.append(speech.notice(flow, node, "unanswered", state.language))
    return run.go(transition)


_NO_NODE = "no node in the flow leads to a person here"
_FALLBACK_REASONS = {
    "escape": "the caller asked for a person and the flow names no escape node",
    "exhausted": "the caller was not understood and the flow names no escape node",
}


class _Done:
    """Marker: the step is complete (the engine listens, or people have the call)."""


_DONE = _Done()
Next = str | None | _Done


class _Run:
    """One step in the making: the actions so far and the moving state."""

    def __init__(self, flow: Flow, context: CallContext, state: CallState) -> None:
        self.flow = flow
        self.context = context
        self.state = state
        self.actions: list[Action] = []
        self.visited: list[str] = []

    def finish(self) -> Step:
        """The step as built so far."""
        return Step(tuple(self.actions), self.state, tuple(self.visited))

    def go(self, transition: Goto) -> Step:
        """Leave the answered node as ``transition`` says."""
        if transition.reason == "exhausted":
            self.actions.append(speech.notice(self.flow, None, "connecting", self.state.language))
        if transition.language is not None:
            self.state = replace(self.state, language=transition.language)
        if transition.store is not None:
            self.state = self.state.storing(*transition.store)
        if transition.node is None:
            reason = _FALLBACK_REASONS.get(transition.reason, _NO_NODE)
            return self.follow(self.fallback(reason))
        return self.follow(transition.node)

    def follow(self, target: Next) -> Step:
        """Enter nodes one after another until the step is complete."""
        for _ in range(len(self.flow.nodes) + 2):
            if isinstance(target, _Done):
                return self.finish()
            if target is None:
                target = self.fallback(_NO_NODE)
                continue
            self.state = self.state.at(target)
            self.visited.append(target)
            target = self.enter(self.flow.node(target))
        raise FlowError(f"flow {self.flow.id!r} loops without asking the caller anything")

    def enter(self, node: Node) -> Next:
        """Do what ``node`` does on arrival; where to go next, or done."""
        if isinstance(node, SayNode):
            notice = self.context.incident_notice.get(self.state.language)
            if node.incident_notice and notice:
                prompt = Prompt(text={self.state.language: notice}, voice=node.prompt.voice)
                self.actions.append(self.say(prompt))
            else:
                self.actions.append(self.say(node.prompt))
            return node.next or self.end()
        if isinstance(node, PlayNode):
            url = node.url.get(self.state.language)
            if url is None:
                raise FlowError(f"play node {node.id!r} has no {self.state.language!r} url")
            self.actions.append(Play(url))
            return node.next or self.end()
        if isinstance(node, BranchNode):
            return choose_branch(node, self.context, self.state.language)
        if isinstance(node, SubscribeUpdatesNode):
            self.actions.append(SubscribeUpdates(self.state.language, self.say(node.prompt)))
            return node.next
        if isinstance(node, LanguageNode) and not self.must_ask(node):
            self.state = replace(self.state, language=node.set or str(self.context.caller.language))
            return node.next
        if isinstance(node, INPUT_NODES):
            return self.ask(node)
        return self.enter_final(node)

    def enter_final(self, node: Node) -> Next:
        """Nodes where the flow hands the call to people, or ends it."""
        language = self.state.language
        if isinstance(node, HangupNode):
            if not self.state.human_offered:
                return self.fallback(f"hangup node {node.id!r} reached before a person was offered")
            self.speak(node.prompt)
            self.actions.append(Hangup())
        elif isinstance(node, CallbackNode):
            number = self.state.collected.get(node.number_variable or "")
            confirmation = self.say(node.prompt) if node.prompt is not None else None
            self.hand_over(Callback(node.queue, language, number, confirmation))
            return node.next or self.end()
        elif isinstance(node, QueueNode):
            self.speak(node.prompt)
            self.hand_over(Enqueue(node.queue, node.skills, node.priority, language))
        elif isinstance(node, TransferNode):
            self.speak(node.prompt)
            self.hand_over(Transfer(number=node.number, agent=node.agent))
        elif isinstance(node, VoicemailNode):
            prompt = self.say(node.prompt)
            neutral = speech.notice(self.flow, node, "leave_message", language)
            self.hand_over(Voicemail(node.max_length, node.queue, language, prompt, neutral))
        else:
            raise FlowError(f"node {node.id!r} has a type the engine does not know")
        return _DONE

    def must_ask(self, node: LanguageNode) -> bool:
        """Whether a language node has to ask (no fixed language, none on record to use)."""
        if node.set is not None:
            return False
        known = self.context.caller.language in self.flow.languages
        return not (node.use_caller_language and known)

    def ask(self, node: InputNode, before: tuple[Say, ...] = ()) -> Next:
        """Listen at ``node``, unless the caller has already heard as many prompts as allowed."""
        limit = self.flow.max_prompts_to_human
        if not self.state.human_offered and self.state.prompts >= limit:
            # Only a flow that failed verification gets here: never prompt past the limit.
            self.actions.append(speech.notice(self.flow, None, "connecting", self.state.language))
            return escape_target(self.flow, node)
        self.actions.append(speech.gather(self.flow, node, self.state.language, before))
        self.state = self.state.asked()
        return _DONE

    def say(self, prompt: Prompt) -> Say:
        """The prompt in the call's language."""
        return speech.say(self.flow, prompt, self.state.language)

    def speak(self, prompt: Prompt | None) -> None:
        """Say the prompt, if there is one."""
        if prompt is not None:
            self.actions.append(self.say(prompt))

    def hand_over(self, action: Action) -> None:
        """Give the call to people: from now on a hang-up is allowed."""
        self.actions.append(action)
        self.state = replace(self.state, human_offered=True)

    def end(self) -> Next:
        """The flow has nowhere else to go: hang up only if a person was offered."""
        if not self.state.human_offered:
            return self.fallback("the flow ended before a person was offered")
        self.actions.append(Hangup())
        return _DONE

    def fallback(self, reason: str) -> Next:
        """Dial the fallback line."""
        self.hand_over(HumanFallback(reason, self.state.language))
        return _DONE


def _waiting_node(flow: Flow, state: CallState) -> InputNode:
    """The input node ``state`` says the caller is answering; CallStateError if it is not."""
    if state.flow_id != flow.id:
        raise CallStateError(f"call state is for flow {state.flow_id!r}, not {flow.id!r}")
    node = flow.nodes.get(state.node_id)
    if not isinstance(node, INPUT_NODES):
        raise CallStateError(f"call state node {state.node_id!r} does not wait for an answer")
    if state.language not in flow.languages:
        raise CallStateError(f"call state language {state.language!r} is not declared")
    if not 1 <= state.tries <= node.rules.max_tries:
        raise CallStateError(f"call state tries {state.tries} do not fit node {node.id!r}")
    return node
