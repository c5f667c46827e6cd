"""Agents for ``console.py``: many agent users with one password, all busy and kept alive.

A caller is queued only while an agent serving the queue is at work (available, busy or
wrapping up, and heartbeating); an available agent would be offered the caller at once,
taking them off every other console's list. So every agent here is busy: logged in and at
work, the caller stays waiting, and each console shows them.

Run by ``_ivr_staff.Staff(env, script=__file__)`` in a subprocess with the project's
environment (``BENCH_AGENTS``: how many, ``BENCH_PASSWORD``: their password): it creates the
demo queues and the agents (``bench.agent.N@helpline.example``, English, no skills, so each
serves ``general``), sets each busy on the queues they serve, prints their ids and emails,
then sends every agent's heartbeat until its standard input closes.
"""

from __future__ import annotations

import json
import os
import select
import sys

HEARTBEAT_EVERY = 15.0  # seconds; the store sets an agent offline after 60 s of silence


def agent_email(number: int) -> str:
    """The login of benchmark agent ``number``."""
    return f"bench.agent.{number:03d}@helpline.example"


def serve() -> None:
    """Create and staff the agents, print them, keep them alive until stdin closes."""
    from sqlalchemy import select as sql_select

    from app import create_app
    from app.demo.staff import ensure_queues
    from app.extensions import db
    from app.models import Agent, Role, User
    from app.services.agents.desk_view import served_queues
    from routing.model import Presence

    count, password = int(os.environ["BENCH_AGENTS"]), os.environ["BENCH_PASSWORD"]
    app = create_app()
    with app.app_context():
        ensure_queues(db.session)
        hashed: str | None = None
        for number in range(count):
            user = User(name=f"Bench Agent {number}", email=agent_email(number), role=Role.AGENT)
            if hashed is None:  # one hash for all: hashing is slow by design
                user.set_password(password)
                hashed = user.password_hash
            user.password_hash = hashed
            user.agent = Agent(languages=["en"], client_identity=f"bench_agent_{number}")
            db.session.add(user)
        db.session.commit()
        store = app.extensions["routing.store"]
        agents = db.session.scalars(sql_select(Agent).join(User).where(User.role == Role.AGENT))
        staffed = []
        for agent in agents:
            queues = served_queues(agent)
            store.set_presence(str(agent.id), Presence.BUSY, queues)
            staffed.append({"id": agent.id, "email": agent.user.email, "queues": queues})
        print(json.dumps(staffed), flush=True)
        while not select.select([sys.stdin], [], [], HEARTBEAT_EVERY)[0]:
            for agent in staffed:
                store.heartbeat(str(agent["id"]))


if __name__ == "__staff__":
    serve()
