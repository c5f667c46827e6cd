"""A community answer as a voice can say it: no Markdown, no addresses read aloud, short."""

from __future__ import annotations

import re

SPOKEN_MOST = 600  # characters: about forty seconds of speech

_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")  # [text](url) and ![alt](url)
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_CODE = re.compile(r"`+([^`]*)`+")
_MARKS = re.compile(r"(^|\s)(?:#{1,6}|>|[-*+]|\d+[.)])\s+", re.MULTILINE)
_EMPHASIS = re.compile(r"[*_~]{1,3}")
_HTML = re.compile(r"<[^>]{0,200}>")
_SPACE = re.compile(r"\s+")


def speakable(markdown: str, most: int = SPOKEN_MOST) -> str:
    """``markdown`` as plain sentences, at most ``most`` characters, cut after a sentence
    where one ends late enough, else after a word."""
    text = _LINK.sub(r"\1", markdown)
    text = _URL.sub("", text)
    text = _CODE.sub(r"\1", text)
    text = _HTML.sub(" ", text)
    text = _MARKS.sub(r"\1", text)
    text = _EMPHASIS.sub("", text)
    text = _SPACE.sub(" ", text).strip()
    if len(text) <= most:
        return text
    cut = text[:most]
    end = max(cut.rfind(". "), cut.rfind("? "), cut.rfind("! "))
    if end >= most // 2:
        return cut[: end + 1]
    return cut.rsplit(" ", 1)[0].rstrip(",;:") + "…"
