"""People to take the calls in ``ivr.py``: the demo queues and agents, every agent available.

Without an agent at work for a queue, the IVR sends a caller who reaches it to the fallback
line instead of queueing them, so the benchmark staffs the queues as a contact center
during opening hours would be, with the project's own demo and routing services.

``Staff`` runs this module in a subprocess with the project's environment (and the project
root first on ``sys.path``: ``benchmarks/routing.py`` would hide the ``routing`` package):
it staffs the queues, prints the agent ids, then sends every agent's heartbeat until its
standard input closes, since the store logs out an agent who is silent for 60 s.

A helper of ``ivr.py``, which prints the figures against the bare-Flask baseline.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
from pathlib import Path
from types import TracebackType
from typing import Any

HEARTBEAT_EVERY = 15.0  # seconds
ROOT = Path(__file__).resolve().parent.parent


def serve() -> None:
    """Staff the queues, print the agent ids, then keep the agents alive until stdin closes."""
    from sqlalchemy import select as sql_select

    from app import create_app
    from app.demo.staff import QUEUES, ensure_queues, ensure_staff
    from app.extensions import db
    from app.models import Agent
    from routing.model import Presence

    app = create_app()
    with app.app_context():
        ensure_queues(db.session)
        ensure_staff(db.session)
        db.session.commit()
        ids = [str(agent_id) for agent_id in db.session.scalars(sql_select(Agent.id))]
        store = app.extensions["routing.store"]
        for agent_id in ids:
            store.set_presence(agent_id, Presence.AVAILABLE, [spec.name for spec in QUEUES])
        print(json.dumps(ids), flush=True)
        while not select.select([sys.stdin], [], [], HEARTBEAT_EVERY)[0]:
            for agent_id in ids:
                store.heartbeat(agent_id)


class Staff:
    """The staffing subprocess, as a context manager: ``ids`` once the queues are staffed."""

    def __init__(self, env: dict[str, str], script: str = __file__) -> None:
        # ``script`` runs as ``__staff__``: another benchmark may staff its own way.
        code = f"import sys; sys.path.insert(0, {str(ROOT)!r}); import runpy; "
        code += f"runpy.run_path({script!r}, run_name='__staff__')"
        self.process = subprocess.Popen(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env={**os.environ, **env},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.ids: list[Any] = []

    def __enter__(self) -> Staff:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            from _load import BenchmarkError  # here only: the subprocess has no benchmarks/

            _, errors = self.process.communicate()
            tail = "\n".join(errors.splitlines()[-8:])
            raise BenchmarkError(f"staffing the queues failed:\n{tail}")
        self.ids = json.loads(line)
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        try:
            self.process.communicate(timeout=30)  # closes stdin: the heartbeats stop
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


if __name__ == "__staff__":
    serve()
