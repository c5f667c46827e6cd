"""Engine actions -> TwiML, by a pure function: the URLs come in, XML goes out."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from twilio.twiml.voice_response import Dial, VoiceResponse
from twilio.twiml.voice_response import Gather as GatherVerb

from ivr_flows import (
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
from ivr_flows.languages import LANGUAGES, Language

ENGLISH = LANGUAGES["en"]


@dataclass(frozen=True)
class CallUrls:
    """Where Twilio should come back to, for one step of one call."""

    step: str  # the Gather's action: the engine's next step, with the signed state
    fallback_number: str
    hold: Callable[[str, str], str]  # queue name, language -> wait URL
    queue_exit: Callable[[str], str]  # queue name -> Enqueue action URL
    voicemail: Callable[[str, str], str]  # queue, language -> Record action URL
    dial_result: str
    fallback_result: str = ""  # after the fallback line: a voicemail if nobody answered


def locale(language: str) -> str:
    """Twilio's speech locale for a flow language code (``es`` -> ``es-US``); English's for
    a code the system does not speak, which is never passed on to Twilio."""
    return _builtin(language).locale


def _builtin(language: str) -> Language:
    """The built-in notices in ``language``; English for a language without them."""
    return LANGUAGES.get(language, ENGLISH)


def render_actions(actions: Sequence[Action], urls: CallUrls) -> str:
    """The TwiML document for one engine step."""
    response = VoiceResponse()
    for action in actions:
        _RENDERERS[type(action)](response, action, urls)
    return str(response)


def _say(response: VoiceResponse | GatherVerb, action: Say, _urls: CallUrls) -> None:
    attributes = {"language": action.language}
    if action.voice:
        attributes["voice"] = action.voice
    response.say(action.text, **attributes)


def _play(response: VoiceResponse | GatherVerb, action: Play, _urls: CallUrls) -> None:
    response.play(action.url)


def _gather(response: VoiceResponse, action: Gather, urls: CallUrls) -> None:
    attributes: dict[str, object] = {
        "input": " ".join(action.input),
        "action": urls.step,
        "method": "POST",
        "action_on_empty_result": True,
        "language": action.language,
        "timeout": action.timeout,
    }
    if "speech" in action.input:
        attributes["speech_timeout"] = action.speech_timeout
        if action.hints:
            attributes["hints"] = ", ".join(action.hints)
    if action.num_digits:
        attributes["num_digits"] = action.num_digits
    if action.finish_on_key:
        attributes["finish_on_key"] = action.finish_on_key
    gather = response.gather(**attributes)
    for prompt in action.prompts:
        _RENDERERS[type(prompt)](gather, prompt, urls)
    # A keypad-only Gather that times out goes on to the next verb instead of posting:
    # come back to the same step, which the engine counts as silence.
    response.redirect(urls.step, method="POST")


def _enqueue(response: VoiceResponse, action: Enqueue, urls: CallUrls) -> None:
    response.enqueue(
        action.queue,
        wait_url=urls.hold(action.queue, action.language),
        wait_url_method="POST",
        action=urls.queue_exit(action.queue),
        method="POST",
    )


def _transfer(response: VoiceResponse, action: Transfer, urls: CallUrls) -> None:
    dial = Dial(action=urls.dial_result, method="POST", timeout=25)
    if action.number:
        dial.number(action.number)
    else:
        dial.client(str(action.agent))
    response.append(dial)


def _voicemail(response: VoiceResponse, action: Voicemail, urls: CallUrls) -> None:
    if action.prompt is not None:  # the view chose it: the node's, or one promising nothing
        _say(response, action.prompt, urls)
    response.record(
        action=urls.voicemail(action.queue, action.language),
        method="POST",
        max_length=action.max_length,
        play_beep=True,
        finish_on_key="#",
        timeout=5,
    )
    # Twilio goes on past <Record> only when nothing was recorded: then a person picks up.
    notices = _builtin(action.language)
    response.say(notices.no_message, language=notices.locale)
    response.dial(urls.fallback_number)


def _fallback(response: VoiceResponse, action: HumanFallback, urls: CallUrls) -> None:
    notices = _builtin(action.language)
    response.say(notices.sorry if action.fault else notices.connecting, language=notices.locale)
    if urls.fallback_result:
        response.dial(urls.fallback_number, action=urls.fallback_result, method="POST")
    else:
        response.dial(urls.fallback_number)


def _callback(response: VoiceResponse, action: Callback, urls: CallUrls) -> None:
    """The task exists by now (the view made it): tell the caller."""
    if action.confirmation is not None:
        _say(response, action.confirmation, urls)


def _hangup(response: VoiceResponse, _action: Hangup, _urls: CallUrls) -> None:
    response.hangup()


def _nothing(_response: VoiceResponse, _action: Action, _urls: CallUrls) -> None:
    """Knowledge-base questions are handled by the view, not by TwiML."""


_RENDERERS: dict[type, Callable[..., None]] = {
    Say: _say,
    Play: _play,
    Gather: _gather,
    Enqueue: _enqueue,
    Transfer: _transfer,
    Voicemail: _voicemail,
    HumanFallback: _fallback,
    Hangup: _hangup,
    Callback: _callback,
    KbAnswer: _nothing,
    # Carried out (and replaced by what the caller hears) before rendering: never a promise.
    SubscribeUpdates: _nothing,
}
