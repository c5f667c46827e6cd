"""Writing, editing, hiding, accepting and merging posts; each keeps search current.

Every function works in the caller's session and flushes; the caller commits.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Answer, Phrasing, PhrasingSource, PostStatus, Question, utcnow
from app.models.community import TAGS_LENGTH, TITLE_LENGTH
from app.services.community.kb_indexing import reindex


class PostError(ValueError):
    """A post the knowledge base refuses; the message says why."""


MAX_BODY = 20_000


def ask_question(
    session: Session,
    title: str,
    body: str = "",
    *,
    language: str = "en",
    tags: Iterable[str] = (),
    author_id: int | None = None,
    staff: bool = False,
    status: PostStatus = PostStatus.VISIBLE,
) -> Question:
    """A new question, searchable at once when visible."""
    question = Question(
        title=_title(title),
        body=_body(body),
        slug=slugify(title),
        language=(language or "en")[:8],
        tags=tag_text(tags),
        author_id=author_id,
        staff=staff,
        status=status,
    )
    session.add(question)
    reindex(session, [question])
    return question


def edit_question(
    session: Session,
    question_id: int,
    *,
    title: str | None = None,
    body: str | None = None,
    tags: Iterable[str] | None = None,
) -> Question:
    """Change a question's words or tags; search finds it by its new words."""
    question = _question(session, question_id)
    if title is not None:
        question.title, question.slug = _title(title), slugify(title)
    if body is not None:
        question.body = _body(body)
    if tags is not None:
        question.tags = tag_text(tags)
    question.updated_at = utcnow()
    reindex(session, [question])
    return question


def set_question_status(session: Session, question_id: int, status: PostStatus) -> Question:
    """Hide, hold or restore a question: only visible ones are ever searched."""
    question = _question(session, question_id)
    question.status = status
    question.updated_at = utcnow()
    reindex(session, [question])
    return question


def answer_question(
    session: Session,
    question_id: int,
    body: str,
    *,
    author_id: int | None = None,
    official: bool = False,
) -> Answer:
    """A new answer; official when staff wrote it."""
    question = _question(session, question_id)
    answer = Answer(question=question, body=_body(body, required=True), author_id=author_id)
    answer.official = official
    session.add(answer)
    session.flush()
    return answer


def edit_answer(session: Session, answer_id: int, body: str) -> Answer:
    """Change an answer's text."""
    answer = _answer(session, answer_id)
    answer.body = _body(body, required=True)
    answer.updated_at = utcnow()
    session.flush()
    return answer


def set_answer_status(session: Session, answer_id: int, status: PostStatus) -> Answer:
    """Hide, hold or restore an answer: search only ever offers visible answers."""
    answer = _answer(session, answer_id)
    answer.status = status
    answer.updated_at = utcnow()
    session.flush()
    return answer


def accept_answer(session: Session, answer_id: int | None, question_id: int) -> Question:
    """Mark the answer that solved the question (None to unmark); it ranks up."""
    question = _question(session, question_id)
    if answer_id is not None and _answer(session, answer_id).question_id != question_id:
        raise PostError(f"answer {answer_id} does not answer question {question_id}")
    question.accepted_answer_id = answer_id
    session.flush()
    return question


def add_phrasing(
    session: Session,
    question_id: int,
    text: str,
    *,
    source: PhrasingSource = PhrasingSource.MANUAL,
    weight: float = 1.0,
) -> Phrasing:
    """Another way to ask the question (kept once per text); search finds it by it too."""
    question = _question(session, question_id)
    wording = _title(text)
    phrasing = next((p for p in question.phrasings if p.text == wording), None)
    if phrasing is None:
        phrasing = Phrasing(question=question, text=wording, source=source, weight=weight)
        session.add(phrasing)
    else:
        phrasing.weight = weight
    reindex(session, [question])
    return phrasing


def add_phrasings(
    session: Session,
    question_id: int,
    texts: Iterable[str],
    *,
    source: PhrasingSource = PhrasingSource.IMPORT,
) -> Question:
    """Many other phrasings at once (each text once, cut to a title's length), indexed in
    one go."""
    question = _question(session, question_id)
    known = {p.text for p in question.phrasings}
    wordings = (" ".join(text.split())[:TITLE_LENGTH] for text in texts)
    for wording in dict.fromkeys(w for w in wordings if w):
        if wording not in known:
            session.add(Phrasing(question=question, text=wording, source=source, weight=1.0))
    reindex(session, [question])
    return question


def merge_question(session: Session, duplicate_id: int, into_id: int) -> Question:
    """Merge a duplicate into another question: its title and phrasings become the kept
    question's phrasings, its answers move over, and it is no longer searched."""
    duplicate, kept = _question(session, duplicate_id), _question(session, into_id)
    if duplicate.id == kept.id or kept.merged_into_id is not None:
        raise PostError(f"cannot merge question {duplicate_id} into {into_id}")
    wordings = [duplicate.title] + [p.text for p in duplicate.phrasings]
    known = {kept.title} | {p.text for p in kept.phrasings}
    for wording in dict.fromkeys(w for w in wordings if w not in known):
        session.add(Phrasing(question=kept, text=wording, source=PhrasingSource.MERGED))
    for answer in list(duplicate.answers):
        answer.question = kept
    duplicate.accepted_answer_id = None
    duplicate.merged_into_id = kept.id
    duplicate.updated_at = kept.updated_at = utcnow()
    reindex(session, [duplicate, kept])
    return kept


def slugify(title: str) -> str:
    """A readable URL part: ASCII words joined by hyphens."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:80]


def tag_text(tags: Iterable[str]) -> str:
    """Tags as stored: lower-case words, comma-separated, each once."""
    cleaned = (re.sub(r"[^\w-]+", "-", tag.strip().lower()).strip("-") for tag in tags)
    return ",".join(dict.fromkeys(tag for tag in cleaned if tag))[:TAGS_LENGTH]


def _title(text: str) -> str:
    title = " ".join(text.split())
    if not title:
        raise PostError("a question needs words")
    if len(title) > TITLE_LENGTH:
        raise PostError(f"a question's title is at most {TITLE_LENGTH} characters")
    return title


def _body(text: str, required: bool = False) -> str:
    body = text.strip()
    if required and not body:
        raise PostError("an answer needs words")
    if len(body) > MAX_BODY:
        raise PostError(f"a post is at most {MAX_BODY:,} characters")
    return body


def _question(session: Session, question_id: int) -> Question:
    question = session.get(Question, question_id)
    if question is None:
        raise PostError(f"no question {question_id}")
    return question


def _answer(session: Session, answer_id: int) -> Answer:
    answer = session.scalar(select(Answer).where(Answer.id == answer_id))
    if answer is None:
        raise PostError(f"no answer {answer_id}")
    return answer
