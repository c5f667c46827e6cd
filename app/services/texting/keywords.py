"""SMS keywords: what a whole message means when it is one word we act on.

Carriers and Twilio match keywords on the whole message, any case, surrounding spaces
ignored ("Stop texting me" is not a keyword). We also ignore trailing punctuation and
accents ("Stop!", "sí"), and know the Spanish words beside the English ones. Pure functions:
no Flask, no database.
"""

from __future__ import annotations

import enum
import unicodedata
from dataclasses import dataclass


class KeywordKind(enum.StrEnum):
    """What a keyword asks for."""

    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    HELP = "help"
    AGENT = "agent"


@dataclass(frozen=True)
class Keyword:
    """A recognized keyword: its kind, the word as normalized, the language it is in."""

    kind: KeywordKind
    word: str
    language: str

    @property
    def is_yes(self) -> bool:
        """Whether the word also answers "did this solve it?" (YES, SI)."""
        return self.word in YES_WORDS


# Twilio's own opt-out, opt-in and help words on long codes, then ours in Spanish.
_WORDS: dict[KeywordKind, dict[str, tuple[str, ...]]] = {
    KeywordKind.OPT_OUT: {
        "en": ("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"),
        "es": ("PARAR", "BAJA", "ALTO", "CANCELAR", "DETENER", "ANULAR"),
    },
    KeywordKind.OPT_IN: {
        "en": ("START", "YES", "UNSTOP"),
        "es": ("INICIAR", "ALTA", "SI", "COMENZAR"),
    },
    KeywordKind.HELP: {"en": ("HELP", "INFO"), "es": ("AYUDA",)},
    KeywordKind.AGENT: {
        "en": ("AGENT", "HUMAN", "PERSON", "REPRESENTATIVE", "0", "OPERATOR"),
        "es": ("AGENTE", "PERSONA", "HUMANO", "REPRESENTANTE", "ASESOR", "OPERADOR"),
    },
}
YES_WORDS = frozenset({"YES", "SI"})
KEYWORDS: dict[str, Keyword] = {
    word: Keyword(kind, word, language)
    for kind, languages in _WORDS.items()
    for language, words in languages.items()
    for word in words
}
_PUNCTUATION = ".,;:!?¡¿'\"()-_*~ "
LONGEST = max(len(word) for word in KEYWORDS) + 8  # a longer message is never a keyword


def normalize(body: str) -> str:
    """The message as keywords are matched: trimmed, without surrounding punctuation or
    accents, upper case, inner spaces collapsed."""
    text = " ".join(body.split()).strip(_PUNCTUATION)
    folded = unicodedata.normalize("NFKD", text)
    return "".join(char for char in folded if not unicodedata.combining(char)).upper()


def match(body: str) -> Keyword | None:
    """The keyword the whole message is, if it is one."""
    if len(body) > LONGEST * 4:  # cheap: a long text is a question, whatever its padding
        return None
    return KEYWORDS.get(normalize(body))
