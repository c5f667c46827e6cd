"""The audit log: every change a supervisor makes on the floor, with who, when and why."""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEntry, User

PAGE_SIZE = 25


def record(user: User | None, action: str, target: str, reason: str = "", **detail: Any) -> None:
    """Add an entry to the session; it is committed with the change it describes.

    No user: the change came from the command line, made by the shell's user."""
    db.session.add(
        AuditEntry(
            user_id=user.id if user is not None else None,
            user_name=user.name if user is not None else _shell_user(),
            action=action[:48],
            target=target[:200],
            reason=reason,
            detail=detail,
        )
    )


def record_command(action: str, target: str, **detail: Any) -> None:
    """Log a change made from the command line, as the shell's user, and commit it."""
    db.session.add(
        AuditEntry(
            user_name=_shell_user(),
            action=action[:48],
            target=target[:200],
            reason="",
            detail=detail,
        )
    )
    db.session.commit()


def _shell_user() -> str:
    return f"{getpass.getuser()} (command line)"[:120]


@dataclass(frozen=True)
class AuditPage:
    """One page of the log, newest first."""

    entries: list[dict[str, Any]]
    page: int
    pages: int
    total: int


def latest(page: int = 1, size: int = PAGE_SIZE) -> AuditPage:
    """Page ``page`` (from 1) of the log, newest first."""
    total = db.session.scalar(select(func.count()).select_from(AuditEntry)) or 0
    pages = max(1, -(-total // size))
    page = min(max(1, page), pages)
    rows = db.session.scalars(
        select(AuditEntry)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .offset((page - 1) * size)
        .limit(size)
    )
    return AuditPage([_entry(row) for row in rows], page, pages, total)


def _entry(row: AuditEntry) -> dict[str, Any]:
    return {
        "id": row.id,
        "at": row.at.isoformat(timespec="seconds"),
        "user_id": row.user_id,
        "user": row.user_name,
        "action": row.action,
        "target": row.target,
        "reason": row.reason,
        "detail": row.detail,
    }
