"""A text came in: keywords first, then a person if asked, else an answer from the
community if we are confident, else a person. Returns what the bot replies (or nothing).

Replies go only to the number that wrote (they are the webhook's TwiML answer), never to
a number that opted out (but the one confirmation of its opt-out), and within the reply
rate limits (``reply_limits``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.live.publish import publish_on_commit
from app.models import (
    ConsentSource,
    Conversation,
    ConversationState,
    DeflectionOutcome,
    MessageDirection,
    utcnow,
)
from app.services.incidents import subscriptions
from app.services.texting import (
    answers,
    conversations,
    deflection,
    handover,
    keywords,
    numbers,
    receipts,
    replies,
    reply_limits,
    segments,
    upkeep,
)
from app.services.texting.keywords import Keyword, KeywordKind
from routing.store import Enqueued

log = logging.getLogger(__name__)

QUERY_LIMIT = 500  # characters of a text searched: a question, not an essay


@dataclass(frozen=True)
class Inbound:
    """A text as Twilio's webhook describes it."""

    sid: str
    phone: str  # From: who wrote, and the only number a reply goes to
    our_number: str  # To
    body: str
    opt_out_type: str = ""  # Twilio's OptOutType: STOP, START or HELP when it answered


@dataclass
class Turn:
    """One inbound text being handled: who wrote, their conversation and language, what we
    reply, and the queue entry to offer an agent once committed."""

    text: Inbound
    texter: numbers.Texter
    conversation: Conversation
    language: str
    reply: str | None = None
    waiting: Enqueued | None = None
    messages: list[dict[str, Any]] = field(default_factory=list)  # rows not written yet


def receive(session: Session, text: Inbound) -> str | None:
    """Handle one inbound text; the reply to send back, if any. Commits once.

    Reads come first: the text and its conversation are written just before the commit
    (or before the text is put in line for a person: the queue needs their ids), so
    SQLite's write lock is held from there to the commit only. (Deflections a repeat
    texter's new question makes false are flushed by the next read: rare, and the
    community's learning from them reads what it wrote.)
    """
    if conversations.is_replay(session, text.sid):
        return None
    upkeep.settle_if_due(session)
    texter = numbers.texter(session, text.phone)
    keyword = keywords.match(text.body)
    language = keyword.language if keyword else replies.guess_language(text.body, texter.language)
    conversation = conversations.find_or_start(
        session, text.phone, text.our_number, language, texter.customer_id
    )
    if conversation.state is ConversationState.BOT:
        conversation.language = language
    turn = Turn(text, texter, conversation, conversation.language)
    turn.messages.append(
        conversations.message_row(conversation, _IN, text.body, sid=text.sid, status="received")
    )
    try:
        _handle(session, turn, keyword)
        reply = _reply(turn)
        _write(session, turn)
        session.commit()
    except IntegrityError:
        session.rollback()
        if conversations.is_replay(session, text.sid):
            return None  # a replay that raced us: the first copy answers
        raise
    handover.offer(turn.waiting)
    return reply


def _reply(turn: Turn) -> str | None:
    """The reply, within the reply rate limits, recorded in the conversation."""
    if not turn.reply:
        return None
    if not reply_limits.may_reply(turn.text.phone):
        log.info("reply to conversation %s held back: reply rate limit", turn.conversation.id)
        return None
    reply = segments.cut(turn.reply)
    # Its MessageSid is Twilio's to give: until its first receipt names it, the reply is
    # known by the text it answers (see receipts.reply_key).
    key = receipts.reply_key(turn.text.sid) if turn.text.sid else None
    turn.messages.append(
        conversations.message_row(turn.conversation, _OUT, reply, sid=key, status="twiml")
    )
    return reply


def _write(session: Session, turn: Turn) -> None:
    """Write what the turn changed: the conversation (a new one gets its id), then its new
    messages in one statement. The first write takes SQLite's write lock."""
    if turn.messages:
        turn.conversation.updated_at = utcnow()
    session.add(turn.conversation)  # a new one: only now, so no read before flushed it
    session.flush()
    conversations.write_messages(session, turn.conversation, turn.messages)
    turn.messages.clear()


def _handle(session: Session, turn: Turn, keyword: Keyword | None) -> None:
    conversation = turn.conversation
    if conversation.state is ConversationState.WITH_AGENT and conversation.agent_id is not None:
        # The agent's console shows the new text without a reload.
        publish_on_commit(session, "text", what="received", agent=str(conversation.agent_id))
    if turn.text.opt_out_type:
        _carrier_keyword(session, turn)
        return
    if keyword is not None and keyword.kind is KeywordKind.OPT_OUT:
        _opt_out(session, turn, keyword)
        return
    if keyword is not None and keyword.kind is KeywordKind.OPT_IN:
        _opt_in(session, turn, keyword)
        return
    if turn.texter.refusal == numbers.OPTED_OUT:
        return  # recorded; nothing is sent to a number that opted out
    if keyword is not None and keyword.kind is KeywordKind.HELP:
        turn.reply = _text("help", turn)
        return
    if keyword is not None and keyword.kind is KeywordKind.AGENT:
        _ask_for_person(session, turn)
        return
    if turn.conversation.state is not ConversationState.BOT:
        return  # the thread goes on with (or waiting for) a person: they read it
    _question(session, turn)


def _carrier_keyword(session: Session, turn: Turn) -> None:
    """Twilio matched STOP, START or HELP and answered itself: keep the choice, say nothing."""
    kind = turn.text.opt_out_type.upper()
    detail = f"Twilio OptOutType {kind}: {turn.text.body[:40]}"
    if kind == "STOP":
        numbers.opt_out(session, turn.text.phone, detail, ConsentSource.KEYWORD)
        subscriptions.end_for_number(session, turn.text.phone)
        _end(session, turn.conversation)
    elif kind == "START":
        keyword = keywords.match(turn.text.body)
        if keyword is not None and keyword.is_yes and _subscribed(session, turn):
            return
        if keyword is not None and keyword.is_yes and _solved(session, turn):
            return
        numbers.opt_in(session, turn.text.phone, detail, turn.language)


def _opt_out(session: Session, turn: Turn, keyword: Keyword) -> None:
    changed = numbers.opt_out(
        session, turn.text.phone, f"keyword {keyword.word}", ConsentSource.KEYWORD
    )
    subscriptions.end_for_number(session, turn.text.phone)
    _end(session, turn.conversation)
    if changed:  # the one confirmation the carrier allows; a second STOP gets nothing
        turn.reply = replies.text("opted_out", keyword.language)


def _opt_in(session: Session, turn: Turn, keyword: Keyword) -> None:
    if keyword.is_yes and _subscribed(session, turn):
        turn.reply = replies.text("status_subscribed", keyword.language)
        return
    if keyword.is_yes and _solved(session, turn):
        turn.reply = replies.text("solved", turn.language)
        return
    numbers.opt_in(session, turn.text.phone, f"keyword {keyword.word}", keyword.language)
    turn.reply = replies.text("opted_in", keyword.language)


def _subscribed(session: Session, turn: Turn) -> bool:
    """YES confirming status subscriptions the number asked for on ``/status`` within a
    day: they start (and win over a pending deflection). Without one, nothing changes."""
    if turn.texter.refusal == numbers.OPTED_OUT:
        return False
    return subscriptions.confirm(session, turn.text.phone, utcnow()) > 0


def _solved(session: Session, turn: Turn) -> bool:
    """YES answering a pending deflection (number not opted out): solved; see deflection."""
    if turn.texter.refusal == numbers.OPTED_OUT:
        return False
    pending = deflection.pending_for(session, turn.text.phone, utcnow())
    if pending is None:
        return False
    deflection.decide(session, pending, DeflectionOutcome.SOLVED)
    return True


def _ask_for_person(session: Session, turn: Turn) -> None:
    pending = deflection.pending_for(session, turn.text.phone, utcnow())
    if pending is not None:
        deflection.decide(session, pending, DeflectionOutcome.ASKED_PERSON)
    _to_person(session, turn, "the texter asked for a person")


def _to_person(session: Session, turn: Turn, why: str) -> None:
    if turn.conversation.state is not ConversationState.BOT:
        turn.reply = _text("still_queued", turn)
        return
    line = handover.look(session, turn.conversation)
    _write(session, turn)  # the text first: a replay racing it stops here, before the queue
    turn.waiting = handover.put_in_line(session, turn.conversation, why, line)
    turn.reply = _text("queued" if turn.waiting else "no_agent", turn)


def _question(session: Session, turn: Turn) -> None:
    body = turn.text.body.strip()
    deflection.contacted_again(session, turn.text.phone, utcnow())
    if not body:
        turn.reply = _text("empty", turn)
        return
    if not any(char.isalnum() for char in body):  # only emoji or punctuation
        turn.reply = _text("no_words", turn)
        return
    answer = answers.confident_answer(session, body[:QUERY_LIMIT], turn.language)
    if answer is None:
        _to_person(session, turn, "no confident answer in the community")
        return
    _write(session, turn)  # every read is done; the deflection needs the conversation's id
    deflection.start(
        session,
        turn.text.phone,
        body[:QUERY_LIMIT],
        answer,
        turn.conversation.customer_id,
        turn.conversation.id,
    )
    tail = f"{_link(answer.url_path)}\n{replies.text('prompt', turn.language)}"
    turn.reply = segments.shorten(answer.answer, tail, max_segments=2)


def _link(path: str) -> str:
    if path.startswith(("http://", "https://")):
        return path
    return current_app.config["PUBLIC_BASE_URL"] + "/" + path.lstrip("/")


def _end(session: Session, conversation: Conversation) -> None:
    handover.leave_queue(conversation)
    if conversation.state is ConversationState.WITH_AGENT:
        handover.release(conversation)
    conversations.close(session, conversation)


def _text(name: str, turn: Turn) -> str:
    return replies.text(name, turn.language, number=current_app.config["FALLBACK_NUMBER"])


_IN = MessageDirection.IN
_OUT = MessageDirection.OUT
