"""Helpers for voice tests: read TwiML the way Twilio would."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

# Tuesday 24 November 2026, 09:00 in Chicago: the main line is open.
OPEN = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
# Sunday 22 November 2026, 12:00 in Chicago: the main line is closed.
CLOSED = datetime(2026, 11, 22, 18, 0, tzinfo=UTC)
MAIN_LINE = "+15558675310"
FALLBACK = "+15005550006"
SIP_CALLER = "sip:alice.johnson@pbx.example.com"  # 33 characters: a caller ID, not a number
RECORDING = "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1"


def twiml(response) -> ET.Element:  # type: ignore[no-untyped-def]
    """The TwiML document of a webhook response (which must be a 200 with XML)."""
    assert response.status_code == 200, response.data
    assert response.mimetype == "text/xml"
    return ET.fromstring(response.data)


def spoken(root: ET.Element) -> str:
    """Everything the caller hears from ``<Say>``, in order."""
    return " ".join((say.text or "") for say in root.iter("Say"))


def says(root: ET.Element) -> list[tuple[str | None, str | None]]:
    """What the caller hears: each ``<Say>``'s language and text."""
    return [(say.get("language"), say.text) for say in root.iter("Say")]


def gather_action(root: ET.Element) -> str:
    """The URL the ``<Gather>`` posts the caller's answer to."""
    gather = root.find("Gather")
    assert gather is not None, ET.tostring(root)
    return gather.get("action", "")


def destination(root: ET.Element) -> tuple[str, str]:
    """Where the call goes to a person: ("queue", name), ("dial", number) or ("", "")."""
    if (enqueue := root.find("Enqueue")) is not None:
        return "queue", (enqueue.text or "").strip()
    if root.find("Record") is not None:
        return "voicemail", ""
    if (dial := root.find("Dial")) is not None:
        target = (dial.text or "").strip() or " ".join((c.text or "") for c in dial)
        return "dial", target
    return "", ""


ALL_SKILLS = ("billing", "tech_support", "sales", "outage", "priority", "spanish")


def staff_queues(app, presence: str = "available") -> str:  # type: ignore[no-untyped-def]
    """The demo queues, and one agent who can serve them all at work; returns the agent id."""
    from app.demo.staff import ensure_queues
    from app.extensions import db
    from app.models import Agent, AgentSkill, User
    from routing.model import Presence

    ensure_queues(db.session)
    user = User(name="Ana Torres", email="ana@example.com", password_hash="x")
    agent = Agent(
        user=user,
        languages=["en", "es"],
        client_identity="agent_ana",
        skills=[AgentSkill(skill=skill, proficiency=4) for skill in ALL_SKILLS],
    )
    db.session.add(agent)
    db.session.commit()
    queues = ["general", "billing", "tech_support", "sales", "outage", "priority", "spanish"]
    app.extensions["routing.store"].set_presence(str(agent.id), Presence(presence), queues)
    return str(agent.id)
