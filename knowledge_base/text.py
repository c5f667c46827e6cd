"""Text analysis: plain words out of any text, stop words dropped, stems per language.

Every query and every indexed text passes through ``analyze``, so both databases see the
same terms. Whatever a person types (quotes, ``*``, ``NEAR(``, ``-``, ``:``, emoji) comes
out as plain words or nothing: no search operator ever reaches an index.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer  # type: ignore[import-untyped]

# Letters and digits only: underscores, punctuation, operators and emoji all split words.
_WORD = re.compile(r"[^\W_]+")
_APOSTROPHES = re.compile(r"(?<=\w)['’](?=\w)")  # don't -> dont, one word
# A 1,600-character SMS has under 300 words; a query longer than this says nothing more.
MAX_QUERY_WORDS = 64
MAX_WORD_LENGTH = 40

LANGUAGES = {"en": "english", "es": "spanish"}
_SPANISH_LETTERS = frozenset("ñáéíóúü")
DEFAULT_LANGUAGE = "en"

# English negations (no, not, didn't, hasn't ...) are kept: "my card has not arrived" and
# "my card has arrived" ask different things (BANKING77 cross-validated top-1 +0.3 points).
STOP_WORDS = {
    "en": frozenset(
        """a about above after again all am an and any are as at be been before being
        below between both but by can could did do does doing down during each few for
        from further had has have having he her here hers him his how i if in into is it
        its itself just me more most my myself of off on once only or other our ours out
        over own same she should so some such than that the their theirs them then there
        these they this those through to too under until up very was we were what when
        where which while who whom why will with would you your yours yourself im ive id
        please hi hello thanks thank""".split()
    ),
    "es": frozenset(
        """a al algo algunas algunos ante antes como con contra cual cuando de del desde
        donde durante e el ella ellas ellos en entre era es esa esas ese eso esos esta estas
        este esto estos fue ha hay la las le les lo los me mi mis mucho muy nada ni no nos
        nosotros o os otra otro para pero poco por porque que quien se ser si sin sobre su
        sus también te tengo tiene tu tus un una uno unos y ya yo hola gracias favor está
        están estoy cómo qué dónde cuándo cuál mí tú él más""".split()
    ),
}
_EITHER_STOP_WORDS = STOP_WORDS["en"] | STOP_WORDS["es"]


@dataclass(frozen=True)
class Analysis:
    """A text as the index sees it: its language, plain words and their stems."""

    language: str
    words: tuple[str, ...]
    terms: tuple[str, ...]


def plain_words(text: str, limit: int = MAX_QUERY_WORDS) -> tuple[str, ...]:
    """The text's words, lower-cased, without any punctuation, operator or symbol."""
    words = (w[:MAX_WORD_LENGTH] for w in _WORD.findall(_APOSTROPHES.sub("", text.casefold())))
    return tuple(words)[:limit]


def detect_language(words: tuple[str, ...]) -> str:
    """English or Spanish, by the text's stop words and letters; English when unsure."""
    return guess_language(words) or DEFAULT_LANGUAGE


def guess_language(words: tuple[str, ...]) -> str | None:
    """English or Spanish, by which language's stop words the text uses more, then by
    Spanish letters (``ñ``, accents); None when nothing tells them apart."""
    spanish = sum(word in STOP_WORDS["es"] for word in words)
    english = sum(word in STOP_WORDS["en"] for word in words)
    if spanish != english:
        return "es" if spanish > english else "en"
    if any(_SPANISH_LETTERS.intersection(word) for word in words):
        return "es"
    return None


def normal_language(language: str | None) -> str:
    """A language code we stem for (``en``, ``es``), or ``""`` for no stemming."""
    code = (language or "").strip().lower()[:2]
    return code if code in LANGUAGES else ""


def analyze(text: str, language: str | None = None, limit: int = MAX_QUERY_WORDS) -> Analysis:
    """Split, drop stop words (unless nothing else is left) and stem ``text``.

    Without a language the text's own is guessed (``guess_language``); when nothing tells,
    its words are stemmed as English and as Spanish both (``cambiar pin`` finds ``cambio``
    and ``change``), under the language ``""``.
    """
    words = plain_words(text, limit)
    code = normal_language(language) if language else guess_language(words)
    if code is None:
        return _either_language(words)
    stop = STOP_WORDS.get(code, frozenset())
    kept = tuple(word for word in words if word not in stop) or words
    return Analysis(code, kept, tuple(stem(word, code) for word in kept))


def _either_language(words: tuple[str, ...]) -> Analysis:
    kept = tuple(word for word in words if word not in _EITHER_STOP_WORDS) or words
    terms = tuple(dict.fromkeys(stem(word, code) for word in kept for code in LANGUAGES))
    return Analysis("", kept, terms)


# Stemming is most of ``analyze``'s time (pure-Python Snowball); customers' words repeat, so
# a process keeps the stems it made: 65,536 words of typical length and their stems take
# about 15 MB.
@lru_cache(maxsize=65_536)
def stem(word: str, language: str) -> str:
    """The word's Snowball stem in ``language``, accents removed so ``canción`` = ``cancion``."""
    stemmed = _stemmer(language).stemWord(word) if language in LANGUAGES else word
    return _without_accents(stemmed)


@lru_cache(maxsize=8)
def _stemmer(language: str) -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer(LANGUAGES[language])


def _without_accents(word: str) -> str:
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def query_key(text: str, language: str | None = None) -> str:
    """The same key for the same question however it is worded in order, case or marks."""
    return key_of(analyze(text, language))


def key_of(query: Analysis) -> str:
    """``query_key`` of an analysis already made (a search analyzes its text once)."""
    return " ".join(sorted(set(query.terms)))[:255]
