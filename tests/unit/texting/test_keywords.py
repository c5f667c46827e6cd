"""SMS keywords: whole message, any case, trimmed, trailing punctuation and accents ignored."""

from __future__ import annotations

import pytest

from app.services.texting.keywords import KeywordKind, match


@pytest.mark.parametrize(
    ("body", "kind", "language"),
    [
        ("STOP", KeywordKind.OPT_OUT, "en"),
        ("  stop!  ", KeywordKind.OPT_OUT, "en"),
        ("Unsubscribe.", KeywordKind.OPT_OUT, "en"),
        ("optout", KeywordKind.OPT_OUT, "en"),
        ("Baja", KeywordKind.OPT_OUT, "es"),
        ("¡PARAR!", KeywordKind.OPT_OUT, "es"),
        ("start", KeywordKind.OPT_IN, "en"),
        ("Yes!", KeywordKind.OPT_IN, "en"),
        ("sí", KeywordKind.OPT_IN, "es"),
        ("Alta", KeywordKind.OPT_IN, "es"),
        ("help?", KeywordKind.HELP, "en"),
        ("ayuda", KeywordKind.HELP, "es"),
        ("0", KeywordKind.AGENT, "en"),
        ("Representative", KeywordKind.AGENT, "en"),
        ("agente", KeywordKind.AGENT, "es"),
        ("HUMANO.", KeywordKind.AGENT, "es"),
    ],
)
def test_a_whole_message_keyword_is_recognized_in_english_and_spanish(
    body: str, kind: KeywordKind, language: str
) -> None:
    keyword = match(body)

    assert keyword is not None
    assert (keyword.kind, keyword.language) == (kind, language)


@pytest.mark.parametrize(
    "body", ["stop texting me", "I want to cancel my plan", "", "   ", "😀", "helpful", "00"]
)
def test_a_keyword_inside_a_sentence_is_not_a_keyword(body: str) -> None:
    assert match(body) is None


def test_yes_and_si_also_answer_a_deflection() -> None:
    assert match("yes").is_yes and match("Sí").is_yes  # type: ignore[union-attr]
    assert not match("START").is_yes  # type: ignore[union-attr]
