"""Incident message scripts: what an affected customer reads in a text and hears in a call.

A script has a name, a description and, in English and Spanish, an SMS version and a voice
version: templates filled with the recipient's variables (``script_variables``) in a
sandbox (``script_sandbox``). The ready scripts of the disaster plan live in
``script_library/*.yaml``; a supervisor's own text becomes a script with ``ad_hoc``. Check
a script with ``script_lint.lint`` before sending it: rendering refuses what lint refuses,
so a broadcast never sends a half-made message.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

from app.services.calls.kb_speech import speakable
from app.services.incidents.lifecycle import LANGUAGES
from app.services.scripts.script_sandbox import (
    Compiled,
    TemplateProblem,
    compile_template,
    render,
)
from app.services.scripts.script_variables import DEFAULT_LANGUAGE, Recipient
from app.services.texting.segments import GSM7, encoding_of, smart_encode

CHANNELS = ("sms", "voice")
LANGUAGE_NAMES = {"en": "English", "es": "Spanish"}
# How every voice version ends: a person is always one key away.
PERSON_OFFER = {
    "en": "Press 0 to speak to a person.",
    "es": "Oprima 0 para hablar con una persona.",
}
VOICE_MOST = 1_000  # characters: about a minute of speech
UPDATE_SPOKEN_MOST = 400  # an update read aloud is cut at a sentence near this
AD_HOC = "ad_hoc"
LIBRARY = Path(__file__).with_name("script_library")
_BLANK_LINES = re.compile(r"\n\s*\n\s*(\n\s*)+")
_STOP_SENTENCE = re.compile(r"\b(?:reply|responda|text|txt)\s+STOP\b[^.!?\n]*[.!?]?", re.I)
_LABELLED_LINK = re.compile(r"(?:\b[^\W\d_]+:\s*)?(?:https?://|www\.)\S+", re.I)


class ScriptError(ValueError):
    """A script that cannot be used as asked; the message says why, for a supervisor."""

    status = 400


class NoSuchScript(ScriptError):
    status = 404

    def __init__(self, name: str) -> None:
        names = ", ".join(s.name for s in library())
        super().__init__(f"There is no script named {name!r}. The scripts are: {names}.")


@dataclass(frozen=True)
class Version:
    """A script in one language: the text message and what a call says."""

    sms: str
    voice: str


@dataclass(frozen=True)
class Script:
    """A named message, in each language a customer may speak."""

    name: str
    description: str
    versions: Mapping[str, Version]

    def template(self, language: str, channel: str) -> str:
        """The template for this language (else English) and channel (sms or voice)."""
        version = self.versions.get(language) or self.versions[DEFAULT_LANGUAGE]
        return version.sms if channel == "sms" else version.voice


def library() -> tuple[Script, ...]:
    """The ready scripts of the disaster plan, by name."""
    return tuple(_library().values())


def script_named(name: str) -> Script:
    """The library script called ``name``; ``NoSuchScript`` (saying which exist) if none."""
    found = _library().get((name or "").strip())
    if found is None:
        raise NoSuchScript(name)
    return found


def ad_hoc(text: str) -> Script:
    """A supervisor's own words as a script: the same text by SMS in every language; by
    voice, the text (less its links and "Reply STOP", which mean nothing in a call) then
    the offer of a person in the recipient's language."""
    body = (text or "").strip()
    if not body:
        raise ScriptError("The message is empty.")
    said = _LABELLED_LINK.sub("", _STOP_SENTENCE.sub("", body))
    said = " ".join(said.split()).rstrip(" ,;:-")
    versions = {}
    for language in LANGUAGES:
        offer = PERSON_OFFER[language]
        spoken = said if _ends_with(said, offer) else f"{_sentence(said)} {offer}".strip()
        versions[language] = Version(sms=body, voice=spoken)
    return Script(AD_HOC, "A message typed for this broadcast.", versions)


def render_sms(script: Script, recipient: Recipient) -> str:
    """The text message the recipient gets, exactly as it is sent: GSM-7 wherever it can
    be (``gsm_fold``), so a Spanish text takes 2 segments, not 5."""
    text = _render(script, recipient, "sms", recipient.variables)
    lines = (line.strip() for line in gsm_fold(smart_encode(text)).strip().splitlines())
    return _BLANK_LINES.sub("\n\n", "\n".join(lines))


def gsm_fold(text: str) -> str:
    """``text`` with each letter GSM-7 lacks written as the plain letter it holds (á, í,
    ó, ú become a, i, o, u; ñ, é and ü are GSM-7 already). One such letter would make the
    whole text UCS-2: 70 characters a segment instead of 160. Emoji and other scripts are
    kept, and make the text UCS-2 as they must."""
    return "".join(_fold(char) for char in text)


def render_voice(script: Script, recipient: Recipient) -> str:
    """What the recipient hears: plain sentences, no link read aloud, at most a minute."""
    variables = dict(recipient.variables)
    if "update" in variables:
        variables["update"] = speakable(variables["update"], UPDATE_SPOKEN_MOST)
    return speakable(_render(script, recipient, "voice", variables), VOICE_MOST)


def language_for(script: Script, language: str) -> str:
    """The language the script speaks to a recipient of ``language``: theirs, else English."""
    return language if language in script.versions else DEFAULT_LANGUAGE


def where(script: Script, language: str, channel: str, line: int | None = None) -> str:
    """Where in a script a problem is, in words: "first_notice, Spanish SMS, line 2"."""
    place = f"{script.name}, {LANGUAGE_NAMES.get(language, language)} {_channel(channel)}"
    return f"{place}, line {line}" if line else place


def ends_with_offer(spoken: str, language: str) -> bool:
    """Whether the spoken text ends by offering a person in ``language``."""
    return _ends_with(spoken, PERSON_OFFER[language])


def compiled(script: Script, language: str, channel: str) -> Compiled:
    """The checked template; ``ScriptError`` saying where and why if it is refused."""
    try:
        return _compile(script.template(language, channel))
    except TemplateProblem as problem:
        raise ScriptError(f"{where(script, language, channel, problem.line)}: {problem}") from None


def _render(
    script: Script, recipient: Recipient, channel: str, variables: Mapping[str, str]
) -> str:
    language = language_for(script, recipient.language)
    template = compiled(script, language, channel)
    try:
        return render(template, variables)
    except TemplateProblem as problem:
        raise ScriptError(f"{where(script, language, channel)}: {problem}") from None


@lru_cache(maxsize=128)
def _compile(source: str) -> Compiled:
    """A broadcast renders one script thousands of times: it is checked once."""
    return compile_template(source)


@cache
def _fold(char: str) -> str:
    if encoding_of(char) == GSM7:
        return char
    plain = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
    return plain if plain and encoding_of(plain) == GSM7 else char


def _channel(channel: str) -> str:
    return "SMS" if channel == "sms" else "voice"


def _normal(text: str) -> str:
    return " ".join(text.casefold().split()).rstrip(" .!")


def _ends_with(text: str, offer: str) -> bool:
    return _normal(text).endswith(_normal(offer))


def _sentence(text: str) -> str:
    return text if not text or text.rstrip()[-1:] in ".!?" else text.rstrip() + "."


@cache
def _library() -> dict[str, Script]:
    """Read once per process, on first use (never at import)."""
    scripts = [_read(path) for path in sorted(LIBRARY.glob("*.yaml"))]
    return {script.name: script for script in sorted(scripts, key=lambda s: s.name)}


def _read(path: Path) -> Script:
    data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("name") != path.stem:
        raise ScriptError(f"{path.name}: a script file names itself (name: {path.stem}).")
    versions = {}
    for language in LANGUAGES:
        texts = data.get(language)
        if not isinstance(texts, dict) or not all(isinstance(texts.get(c), str) for c in CHANNELS):
            raise ScriptError(f"{path.name}: '{language}' needs an sms and a voice text.")
        versions[language] = Version(sms=texts["sms"].strip(), voice=texts["voice"].strip())
    return Script(data["name"], str(data.get("description", "")).strip(), versions)
