"""Texts take a text slot, not the voice line: an agent holds up to TEXT_CAPACITY of them."""

from __future__ import annotations

import pytest

from routing import TEXT_CAPACITY, Agent, Contact, Presence, choose_agent, default_weights
from routing.eligibility import not_free


def text(n: int = 1) -> Contact:
    return Contact(id=f"sms:{n}", kind="sms", queue="general", arrived_at=1000.0)


def agent(name: str, texts: int = 0, voice_calls: int = 0) -> Agent:
    return Agent(
        id=name, name=name, presence=Presence.AVAILABLE, texts=texts, voice_calls=voice_calls
    )


def test_an_agent_with_a_free_text_slot_may_take_a_text_but_not_when_full() -> None:
    assert not_free(agent("ana", texts=TEXT_CAPACITY - 1), text()) is None
    assert not_free(agent("ana", texts=TEXT_CAPACITY), text()) == f"holding {TEXT_CAPACITY} texts"


def test_texts_held_do_not_take_the_voice_line() -> None:
    assert not_free(agent("ana", texts=TEXT_CAPACITY)) is None


def test_a_text_goes_to_an_agent_with_a_free_slot() -> None:
    full, free = agent("ana", texts=TEXT_CAPACITY), agent("ben", texts=1)

    decision = choose_agent(text(), [full, free], 2000.0, default_weights())

    assert decision.agent is not None and decision.agent.id == "ben"


def test_a_text_id_must_say_it_is_a_text() -> None:
    with pytest.raises(ValueError):
        Contact(id="CA123", kind="sms", queue="general", arrived_at=1.0)
    with pytest.raises(ValueError):
        Contact(id="sms:1", queue="general", arrived_at=1.0)
