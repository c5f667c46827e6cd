"""What the engine asks the telephony layer to do, in order: plain values, no TwiML."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Say:
    """Speak ``text`` with the speech ``language`` (a locale such as ``en-US``)."""

    text: str
    language: str
    voice: str | None = None


@dataclass(frozen=True)
class Play:
    """Play an audio file."""

    url: str


@dataclass(frozen=True)
class Gather:
    """Play ``prompts`` while listening for keys and/or speech, then post the answer back.

    ``input`` holds ``"dtmf"`` and/or ``"speech"``; ``language`` is the recognition locale.
    An empty answer must be posted back too (Twilio's ``actionOnEmptyResult``): silence is
    an answer the engine escalates.
    """

    prompts: tuple[Say | Play, ...]
    input: tuple[str, ...]
    language: str
    timeout: int
    num_digits: int | None = None
    finish_on_key: str = ""
    hints: tuple[str, ...] = ()
    speech_timeout: str = "auto"


@dataclass(frozen=True)
class Enqueue:
    """Put the caller in a queue for a person (the routing layer picks the agent)."""

    queue: str
    skills: tuple[str, ...]
    priority: int
    language: str


@dataclass(frozen=True)
class Transfer:
    """Connect the caller to a phone number or a named agent."""

    number: str | None = None
    agent: str | None = None


@dataclass(frozen=True)
class Voicemail:
    """Record a message of up to ``max_length`` seconds; it becomes a task for ``queue``.

    ``prompt`` is said first. It may promise a call back, so a caller whose number cannot
    be called back hears ``no_callback`` instead: the telephony layer knows the number.
    """

    max_length: int
    queue: str
    language: str
    prompt: Say | None = None
    no_callback: Say | None = None


@dataclass(frozen=True)
class Callback:
    """Create a callback task for ``queue``; ``number`` None means the number that called.

    ``confirmation`` is what the caller hears once the task exists: never before, so a
    caller whose number cannot be called back is not promised a call.
    """

    queue: str
    language: str
    number: str | None = None
    confirmation: Say | None = None


@dataclass(frozen=True)
class SubscribeUpdates:
    """Sign the number that called up for text updates of the incident that touches them.

    ``confirmation`` is what the caller hears once the subscription exists: never before,
    so a caller whose number cannot be texted (withheld, opted out) is promised nothing
    and hears why instead. The call goes on whatever happens.
    """

    language: str
    confirmation: Say


@dataclass(frozen=True)
class KbAnswer:
    """The caller asked the knowledge base a question (recorded; answered in a later issue)."""

    question: str
    language: str


@dataclass(frozen=True)
class Hangup:
    """End the call (only ever after a human was offered)."""


@dataclass(frozen=True)
class HumanFallback:
    """Dial the 24/7 human line (``FALLBACK_NUMBER``): no flow node says where else to go.

    ``fault`` says whether something failed (the caller hears an apology) or the line is
    simply where the call has to go now (the caller hears they are being connected).
    """

    reason: str
    language: str = "en"
    fault: bool = True


Action = (
    Say
    | Play
    | Gather
    | Enqueue
    | Transfer
    | Voicemail
    | Callback
    | SubscribeUpdates
    | KbAnswer
    | Hangup
    | HumanFallback
)
HANDOVERS = (Enqueue, Transfer, Voicemail, Callback, HumanFallback)


def describe(action: Action) -> dict[str, object]:
    """A JSON-ready form of an action, with its ``type`` (``say``, ``gather`` ...)."""
    return {"type": type(action).__name__.lower(), **asdict(action)}
