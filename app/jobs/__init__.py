"""RQ entry points: importable module-level functions that take ids and primitives.

A job runs in the app context of the worker that runs it (``helpline worker`` pushes one);
under a worker started some other way (``rq worker``), in a new app's.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import has_app_context


@contextmanager
def app_context() -> Iterator[None]:
    """The worker's app context, or a new app's if it has none."""
    if has_app_context():
        yield
        return
    from app import create_app  # only here: importing a jobs module builds no app

    with create_app().app_context():
        yield
