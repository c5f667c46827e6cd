"""Checking a script before it is sent, and showing what recipients will get.

``lint`` reads every template (syntax, names, what the sandbox refuses), renders each
for a typical recipient of each language and for the sample recipients given, counts the
SMS segments, and listens to the voice version as it will be spoken. ``errors`` mean the
script may not be sent; ``warnings`` are worth a second look.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from app.services.incidents.lifecycle import LANGUAGES
from app.services.scripts.script_sandbox import check, names_used
from app.services.scripts.script_variables import Recipient
from app.services.scripts.scripts import (
    CHANNELS,
    PERSON_OFFER,
    VOICE_MOST,
    Script,
    ScriptError,
    ends_with_offer,
    language_for,
    render_sms,
    render_voice,
    where,
)
from app.services.texting import segments
from app.services.texting.segments import GSM7

WARN_SEGMENTS = 2  # more parts than this: warned (cost, and phones show them apart)
MOST_SEGMENTS = 10  # more than this: refused
EXAMPLE_BASE_URL = "https://www.example.com"
STOP_WORD = re.compile(r"\bSTOP\b")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_EXAMPLES = {
    "en": {
        "first_name": "Alexandra",
        "service": "internet",
        "region": "Northeast",
        "area": "Springfield",
        "eta": "6:30 PM",
        "incident_title": "Internet outage in Springfield",
        "update": "Engineers found a damaged cable and are repairing it.",
    },
    "es": {
        "first_name": "Alejandra",
        "service": "internet",
        "region": "Noreste",
        "area": "Springfield",
        "eta": "18:30",
        "incident_title": "Internet outage in Springfield",
        "update": "Encontramos un cable dañado y lo estamos reparando.",
    },
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a look), and where: language, channel, line, recipient."""

    message: str
    place: str = ""

    def __str__(self) -> str:
        return f"{self.place}: {self.message}" if self.place else self.message


@dataclass(frozen=True)
class SmsSize:
    """The longest text of a language: how it goes over the air, and for whom."""

    language: str
    encoding: str
    segments: int
    characters: int
    recipient: str
    unicode_because: str | None  # the first character GSM-7 lacks, if UCS-2


@dataclass(frozen=True)
class Preview:
    """What one recipient would read and hear."""

    recipient: str
    language: str
    sms: str
    voice: str


@dataclass(frozen=True)
class LintReport:
    """A script's check: it may be sent when ``errors`` is empty."""

    script: str
    errors: tuple[Problem, ...]
    warnings: tuple[Problem, ...]
    sms: tuple[SmsSize, ...]
    previews: tuple[Preview, ...]

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, object]:
        """The report as JSON (for ``--json`` and the supervisor's page)."""
        return {
            "script": self.script,
            "ok": self.ok,
            "errors": [str(p) for p in self.errors],
            "warnings": [str(p) for p in self.warnings],
            "sms": [asdict(size) for size in self.sms],
            "previews": [asdict(preview) for preview in self.previews],
        }


def example_recipient(language: str, base_url: str = EXAMPLE_BASE_URL) -> Recipient:
    """A typical recipient in ``language``, with every variable (``update`` too)."""
    link = f"{base_url.rstrip('/')}/status/incidents/1234"
    return Recipient(f"a typical recipient ({language})", language, _EXAMPLES[language] | {
        "status_link": link
    })  # fmt: skip


def lint(
    script: Script, samples: Sequence[Recipient] = (), base_url: str = EXAMPLE_BASE_URL
) -> LintReport:
    """Check ``script`` and preview it for ``samples`` (real recipients, if any)."""
    errors: dict[str, Problem] = {}
    warnings: dict[str, Problem] = {}
    sizes: list[SmsSize] = []
    previews: list[Preview] = []
    for language in LANGUAGES:
        if language not in script.versions:
            _add(errors, Problem(f"There is no {language} version.", script.name))
            continue
        if not _templates_clean(script, language, errors):
            continue
        typical = example_recipient(language, base_url)
        _check_update_guarded(script, typical, warnings)
        mine = [s for s in samples if language_for(script, s.language) == language]
        rendered = [r for r in (_rendered(script, who, errors) for who in [typical, *mine]) if r]
        if not rendered:
            continue
        sizes.append(_size_check(script, language, rendered, errors, warnings))
        for preview in rendered:
            _voice_check(script, language, preview, errors)
        if not STOP_WORD.search(rendered[0].sms):
            message = "The text does not say how to stop texts (e.g. 'Reply STOP to opt out')."
            _add(warnings, Problem(message, where(script, language, "sms")))
        previews.extend(rendered[1:] if mine else rendered[:1])
    return LintReport(
        script.name,
        tuple(errors.values()),
        tuple(warnings.values()),
        tuple(sizes),
        tuple(previews),
    )


def _templates_clean(script: Script, language: str, errors: dict[str, Problem]) -> bool:
    clean = True
    for channel in CHANNELS:
        source = script.template(language, channel)
        if not source.strip():
            _add(errors, Problem("The text is empty.", where(script, language, channel)))
            clean = False
        for problem in check(source):
            _add(errors, Problem(problem.message, where(script, language, channel, problem.line)))
            clean = False
    voice = script.template(language, "voice")
    link_line = names_used(voice).get("status_link")
    typed = _URL.search(voice)
    if link_line or typed:
        line = link_line or voice.count("\n", 0, typed.start() if typed else 0) + 1
        named = "status_link" if link_line else f"'{typed.group(0) if typed else ''}'"
        message = f"A link cannot be heard: say 'see our status page' instead of {named}."
        _add(errors, Problem(message, where(script, language, "voice", line)))
    return clean


def _rendered(script: Script, who: Recipient, errors: dict[str, Problem]) -> Preview | None:
    try:
        return Preview(who.label, who.language, render_sms(script, who), render_voice(script, who))
    except ScriptError as exc:
        _add(errors, Problem(str(exc), f"for {who.label}"))
        return None


def _check_update_guarded(script: Script, typical: Recipient, warnings: dict[str, Problem]) -> None:
    without = Recipient(typical.label, typical.language, {
        k: v for k, v in typical.variables.items() if k != "update"
    })  # fmt: skip
    try:
        render_sms(script, without), render_voice(script, without)
    except ScriptError:
        message = (
            "'update' is used outside {% if update is defined %}: a recipient whose "
            "incident has no public update in their language would get nothing."
        )
        _add(warnings, Problem(message, where(script, typical.language, "sms")))


def _size_check(
    script: Script,
    language: str,
    rendered: Iterable[Preview],
    errors: dict[str, Problem],
    warnings: dict[str, Problem],
) -> SmsSize:
    longest = max(rendered, key=lambda p: (segments.count(p.sms).count, len(p.sms)))
    size = segments.count(longest.sms)
    unicode_because = next((c for c in longest.sms if segments.encoding_of(c) != GSM7), None)
    found = SmsSize(
        language, size.encoding, size.count, len(longest.sms), longest.recipient, unicode_because
    )
    place = where(script, language, "sms")
    said = f"The text is {size.count} segments ({size.encoding}) for {longest.recipient}"
    why = f"; '{unicode_because}' makes it UCS-2 (70 characters a segment, not 160)"
    said += why if unicode_because else ""
    if size.count > MOST_SEGMENTS:
        _add(errors, Problem(f"{said}; at most {MOST_SEGMENTS} may be sent.", place))
    elif size.count > WARN_SEGMENTS:
        _add(warnings, Problem(f"{said}; more than {WARN_SEGMENTS} costs more.", place))
    return found


def _voice_check(
    script: Script, language: str, preview: Preview, errors: dict[str, Problem]
) -> None:
    place = where(script, language, "voice")
    if _URL.search(preview.voice) or "/status" in preview.voice:
        _add(errors, Problem("The call would read a link aloud; say it in words.", place))
    if not ends_with_offer(preview.voice, language):
        message = f"A call must end by offering a person: '{PERSON_OFFER[language]}'"
        if len(preview.voice) > VOICE_MOST * 0.9:
            message += f" (a call says at most {VOICE_MOST} characters: the end was cut off)"
        _add(errors, Problem(message + ".", place))


def _add(found: dict[str, Problem], problem: Problem) -> None:
    found.setdefault(str(problem), problem)
