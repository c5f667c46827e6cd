"""Checks ``ivr.py`` makes before measuring: the apps must answer right, or figures mean nothing."""

from __future__ import annotations

import random
from typing import Any

from _ivr_calls import (
    CallSids,
    IvrCall,
    Tokens,
    call_form,
    enqueued,
    gather_action,
    parse_twiml,
    signed,
    step_form,
)
from _ivr_data import MENU_CHOICES, CallPlan, customer_phone, profile_of, tier_of, unknown_phone
from _load import BenchmarkError, GunicornServer, HttpResponse

from ivr_flows import Caller

FORGED = "AAAAAAAAAAAAAAAAAAAAAAAAAAA="


def expect(condition: bool, message: str) -> None:
    """Stop the benchmark with ``message`` unless ``condition`` holds."""
    if not condition:
        raise BenchmarkError(message)


def customer(tier: str, language: str) -> CallPlan:
    """A call from the first customer with ``tier`` and ``language``, pressing 1."""
    k = next(k for k in range(1000) if tier_of(k) == tier and profile_of(k).language == language)
    return CallPlan("customer", customer_phone(k), profile_of(k), ("1",))


def stranger() -> CallPlan:
    """A call from a number no customer has, pressing 1 (English)."""
    return CallPlan("unknown", unknown_phone(random.Random(0)), Caller(), ("1",))


def gather_payload(name: str, response: HttpResponse, tokens: Tokens) -> dict[str, Any]:
    """The signed state in the ``<Gather>`` of a 200 answer."""
    expect(response.status == 200, f"{name}: answered {response.status}: {response.body!r}")
    action = gather_action(parse_twiml(response.body))
    expect(action is not None, f"{name}: no <Gather> in {response.body!r}")
    return tokens.decode(action or "")


def check_signatures(server: GunicornServer, sids: CallSids) -> None:
    """Unsigned and forged webhooks get 403, on the greeting and on a step."""
    form = call_form(sids.next(), stranger().phone)
    for path in ("/voice/incoming", "/voice/step?s=x"):
        for label, signature in (("unsigned", None), ("forged", FORGED)):
            status = server.send(signed(path, form, signature)).status
            expect(status == 403, f"project: an {label} POST {path} got {status}, expected 403")


def check_greeting(
    server: GunicornServer, tokens: Tokens, form: dict[str, str], plan: CallPlan, node: str
) -> HttpResponse:
    """A new call gets a Gather at ``node``, knowing of the caller what the engine here does."""
    response = server.send(signed("/voice/incoming", form))
    payload = gather_payload(f"project: greeting for a {plan.kind}", response, tokens)
    mine = tokens.payload(plan.caller)
    expect(
        (payload["s"], payload["c"]) == (mine["s"], mine["c"]),
        f"project: greeting state {payload} is not the engine's {mine}"
        " (did the customers load, or the flows change?)",
    )
    expect(isinstance(payload["i"], int), f"project: greeting recorded no interaction: {payload}")
    expect(payload["s"]["n"] == node, f"project: greeting waits at {payload['s']['n']}, not {node}")
    return response


def check_first_steps(
    server: GunicornServer, tokens: Tokens, sids: CallSids
) -> tuple[bytes, bytes, str]:
    """Greeting then Digits=1 for each kind of caller; a member's two answers, and the menu."""
    steps = [
        (stranger(), "choose_language", "main_menu"),
        (customer("silver", "es"), "main_menu", "billing_account"),
        (customer("bronze", "en"), "main_menu", "billing_account"),
    ]
    bodies: list[bytes] = []
    for plan, greeting_node, step_node in steps:
        form = call_form(sids.next(), plan.phone)
        greeting = check_greeting(server, tokens, form, plan, greeting_node)
        path = gather_action(parse_twiml(greeting.body)) or ""
        answer = server.send(signed(path, step_form(form, "1")))
        payload = gather_payload(f"project: {greeting_node}, Digits=1", answer, tokens)
        expect(payload["s"]["n"] == step_node, f"project: Digits=1 went to {payload['s']['n']}")
        bodies = [greeting.body, answer.body]
    gold = customer("gold", "en")
    answer = server.send(signed("/voice/incoming", call_form(sids.next(), gold.phone)))
    queue = enqueued(parse_twiml(answer.body))
    expect(queue == "priority", f"project: a gold customer was not queued for priority: {queue}")
    return bodies[0], bodies[1], tokens.payload(customer("bronze", "en").caller)["s"]["n"]


def check_pregenerated(server: GunicornServer, tokens: Tokens, sids: CallSids) -> None:
    """A step whose token was made here finds its call by CallSid and answers the next menu."""
    for plan, node in ((stranger(), "main_menu"), (customer("silver", "en"), "billing_account")):
        form = call_form(sids.next(), plan.phone)
        server.send(signed("/voice/incoming", form))
        path = tokens.first_step_path(plan.caller)
        response = server.send(signed(path, step_form(form, plan.digits[0])))
        payload = gather_payload(f"project: pre-made step for a {plan.kind}", response, tokens)
        expect(payload["s"]["n"] == node, f"project: pre-made step went to {payload['s']['n']}")
        expect(isinstance(payload["i"], int), "project: a pre-made step did not find its call")


def walk(server: GunicornServer, call: IvrCall) -> None:
    """Drive ``call`` to its end; every answer must be the one it expects."""
    request = call.first()
    while request is not None:
        response = server.send(request)
        request, right = call.follow(response.status, response.body)
        expect(right, f"{server.name}: {call.plan.kind} {call.plan.digits} got {response.body!r}")


def check_whole_calls(server: GunicornServer, ends_in_queue: bool, sids: CallSids) -> None:
    """A call of each kind, with each main-menu choice, walks to its queue."""
    member, platinum = customer("bronze", "en"), customer("platinum", "en")
    plans = [CallPlan("priority", platinum.phone, platinum.caller, ())]
    for choice, _ in MENU_CHOICES:
        plans.append(CallPlan("unknown", stranger().phone, Caller(), ("1", *choice)))
        plans.append(CallPlan("member", member.phone, member.caller, choice))
    for plan in plans:
        walk(server, IvrCall(plan, sids.next(), ends_in_queue))


def verify_project(server: GunicornServer, tokens: Tokens, sids: CallSids) -> dict[str, Any]:
    """Everything the measurements rely on; a member's two answers and the menu measured."""
    check_signatures(server, sids)
    greeting, step, menu = check_first_steps(server, tokens, sids)
    check_pregenerated(server, tokens, sids)
    check_whole_calls(server, ends_in_queue=True, sids=sids)
    return {"incoming": greeting, "step": step, "menu": menu}


def verify_bare(server: GunicornServer, answers: dict[str, Any], sids: CallSids) -> None:
    """The bare app answers the very bytes the project answered a member, and walks calls."""
    form = step_form(call_form(sids.next(), customer("bronze", "en").phone), "1")
    for name, path in (("incoming", "/voice/incoming"), ("step", "/voice/step?s=static")):
        response = server.send(signed(path, form))
        expect(response.status == 200, f"bare: {path} answered {response.status}")
        expect(response.body == answers[name], f"bare: {path} differs from the project's TwiML")
    check_whole_calls(server, ends_in_queue=False, sids=sids)
