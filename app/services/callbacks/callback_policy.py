"""The callback policy: which numbers we call back, and how often. Toll fraud stops here.

Caller ID is easily spoofed, so a number is called back only if it is a valid number of a
country we serve (``CALLBACK_COUNTRIES``, by default the ``DEFAULT_REGION`` country), of
no type that costs us or reaches nobody (premium rate, shared cost, UAN, voicemail access,
personal numbers, pagers, or no country at all: satellite phones and international
networks), not one of ours (the Twilio number, every number a flow answers, the number the
caller dialled, ``FALLBACK_NUMBER``, ``CALLBACK_OWN_NUMBERS``) and not withheld. Requests
within those rules are then counted in Redis, per number and for all numbers, over an hour
(``CALLBACK_LIMIT_PER_NUMBER``, ``CALLBACK_LIMIT_PER_HOUR``). Without Redis nothing can be
counted, so no callback is promised: the caller is offered a person instead, which needs
no count.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from flask import current_app
from redis.commands.core import Script
from redis.exceptions import RedisError

from app.callback_settings import callback_countries, callback_own_numbers
from app.extensions import redis_store
from app.services.phone_numbers import NON_GEOGRAPHIC, facts

log = logging.getLogger(__name__)

# Caller IDs Twilio uses when the real number is withheld: nobody can be called back on them.
WITHHELD_CALLER_IDS = {"+266696687", "+86282452253", "+7378742833", "+2562533", "+8656696"}
# phonenumbers' number types we never call: they cost us, or reach no person. Personal
# numbers (UK +44 70, US 5XX) forward anywhere at rates their owner sets: a known toll-fraud
# range. A pager (UK +44 76) cannot take a call at all, and is billed like a premium line.
REFUSED_KINDS = frozenset(
    {"premium_rate", "shared_cost", "uan", "voicemail", "personal_number", "pager"}
)

WINDOW_SECONDS = 3600
NUMBER_COUNT_KEY = "helpline:callback-requests:number:%s"
ALL_COUNT_KEY = "helpline:callback-requests:all"
CALL_ANSWER_KEY = "helpline:callback-requests:call:%s:%s"  # CallSid, number -> the answer

# Counts a request unless a limit is reached; a call asking again (Twilio retrying a
# webhook, the caller pressing 1 then leaving the queue) gets its first answer, uncounted.
# KEYS: the number's count, the count of all numbers, this call's answer.
# ARGV: the limit per number, the limit for all, the window in seconds.
_COUNT_REQUEST = """
local answer = redis.call("GET", KEYS[3])
if answer then return answer end
if tonumber(redis.call("GET", KEYS[1]) or "0") >= tonumber(ARGV[1]) then
  answer = "number_limit"
elseif tonumber(redis.call("GET", KEYS[2]) or "0") >= tonumber(ARGV[2]) then
  answer = "hourly_limit"
else
  answer = "ok"
  for i = 1, 2 do
    if redis.call("INCR", KEYS[i]) == 1 then redis.call("EXPIRE", KEYS[i], ARGV[3]) end
  end
end
redis.call("SET", KEYS[3], answer, "EX", ARGV[3])
return answer
"""


class Refusal(StrEnum):
    """Why a number is not called back."""

    WITHHELD = "withheld"  # the caller withheld their number
    OURS = "ours"  # a number of ours: calling it would call ourselves
    INVALID = "invalid"  # not a number that can exist
    NO_COUNTRY = "no_country"  # satellite phones, international networks
    COUNTRY = "country"  # outside CALLBACK_COUNTRIES
    NUMBER_TYPE = "number_type"  # premium rate, shared cost, UAN, voicemail, personal, pager
    NUMBER_LIMIT = "number_limit"  # CALLBACK_LIMIT_PER_NUMBER reached this hour
    HOURLY_LIMIT = "hourly_limit"  # CALLBACK_LIMIT_PER_HOUR reached
    UNAVAILABLE = "unavailable"  # Redis is down: the request cannot be counted


# Refusals of a moment, not of the number: a limit reached, Redis down. A message left
# meanwhile still goes to an agent, who sees the number before calling; only refusals of
# the number itself (withheld, ours, its kind, its country) stay with a task.
PASSING = frozenset({Refusal.NUMBER_LIMIT, Refusal.HOURLY_LIMIT, Refusal.UNAVAILABLE})


@dataclass(frozen=True)
class Policy:
    """The policy's settings, with our own numbers in E.164."""

    countries: frozenset[str]
    own_numbers: frozenset[str]
    region: str  # for national digits, such as a number typed on the keypad
    per_number: int
    per_hour: int


@dataclass(frozen=True)
class Verdict:
    """A number in E.164 (as given when it does not parse), and why it is refused, if it is."""

    number: str
    refusal: Refusal | None

    @property
    def allowed(self) -> bool:
        """Whether the number may be called back."""
        return self.refusal is None


def make_policy(
    settings: Mapping[str, Any], flow_numbers: Iterable[str] = (), dialled: Iterable[str] = ()
) -> Policy:
    """The policy ``settings`` describe; ``flow_numbers`` are the numbers our flows answer,
    ``dialled`` the numbers a caller dialled to reach us (ours too, listed or not)."""
    region = str(settings.get("DEFAULT_REGION", "")).upper()
    ours = [
        settings.get("TWILIO_NUMBER", ""),
        settings.get("FALLBACK_NUMBER", ""),
        *callback_own_numbers(settings),
        *flow_numbers,
        *dialled,
    ]
    # As written and as parsed: a number of ours that is not valid is still never called.
    own = {str(n).strip() for n in ours if n} | {facts(str(n), region).number for n in ours if n}
    return Policy(
        countries=callback_countries(settings),
        own_numbers=frozenset(own),
        region=region,
        per_number=int(settings["CALLBACK_LIMIT_PER_NUMBER"]),
        per_hour=int(settings["CALLBACK_LIMIT_PER_HOUR"]),
    )


def current_policy(dialled: Iterable[str] = ()) -> Policy:
    """The app's policy, with the numbers of the flows in service now and ``dialled``."""
    flows = current_app.extensions["ivr.flows"].current()
    return make_policy(current_app.config, flows.numbers.keys(), dialled)


def dialled(params: Mapping[str, str]) -> tuple[str, ...]:
    """The number a caller dialled, as a webhook names it (``To``, ``Called``): it reached
    us, so it is ours, even when no setting or flow lists it (the default flow answers it)."""
    return tuple(dict.fromkeys(n for n in (params.get("To"), params.get("Called")) if n))


def judge(text: str, policy: Policy | None = None) -> Verdict:
    """Whether the number ``text`` may be called back, by its kind and owner (no counting)."""
    policy = policy or current_policy()
    given = (text or "").strip()
    found = facts(given, policy.region)
    number = found.number
    if given in WITHHELD_CALLER_IDS or number in WITHHELD_CALLER_IDS:
        return Verdict(number, Refusal.WITHHELD)
    if given in policy.own_numbers or number in policy.own_numbers:
        return Verdict(number, Refusal.OURS)
    if not found.valid:
        return Verdict(number, Refusal.INVALID)
    if found.region == NON_GEOGRAPHIC:
        return Verdict(number, Refusal.NO_COUNTRY)
    if found.region not in policy.countries:
        return Verdict(number, Refusal.COUNTRY)
    if found.kind in REFUSED_KINDS:
        return Verdict(number, Refusal.NUMBER_TYPE)
    return Verdict(number, None)


def can_call_back(text: str, policy: Policy | None = None) -> bool:
    """Whether the number ``text`` may be called back (its kind and owner; no counting)."""
    return judge(text, policy).allowed


def count_request(
    number: str, call_sid: str | None, policy: Policy | None = None
) -> Refusal | None:
    """Count a callback request from ``number`` (E.164); the limit it reached, if any.

    Counted once per call and number. Without Redis, ``UNAVAILABLE``: no promise is made
    that nothing could count, and the caller gets a person instead.
    """
    policy = policy or current_policy()
    call = call_sid or f"none-{uuid.uuid4().hex}"
    keys = [NUMBER_COUNT_KEY % number, ALL_COUNT_KEY, CALL_ANSWER_KEY % (call, number)]
    try:
        answer = _script()(keys=keys, args=[policy.per_number, policy.per_hour, WINDOW_SECONDS])
    except RedisError as exc:
        log.warning("callback requests not counted (%s): none promised", type(exc).__name__)
        return Refusal.UNAVAILABLE
    answer = answer.decode() if isinstance(answer, bytes) else str(answer)
    if answer == "ok":
        return None
    log.warning("callback to %s refused: %s", number, answer)
    return Refusal(answer)


def admit(text: str, call_sid: str | None, dialled: Iterable[str] = ()) -> Verdict:
    """Whether ``text`` may be called back, counting the request when its kind allows;
    ``dialled``: the numbers the caller dialled."""
    policy = current_policy(dialled)
    verdict = judge(text, policy)
    if verdict.allowed:
        return Verdict(verdict.number, count_request(verdict.number, call_sid, policy))
    return verdict


def _script() -> Script:
    """The counting script, registered once per app (Redis loads it on first use)."""
    script: Script | None = current_app.extensions.get("callback.count_request")
    if script is None:
        script = redis_store.client.register_script(_COUNT_REQUEST)
        current_app.extensions["callback.count_request"] = script
    return script
