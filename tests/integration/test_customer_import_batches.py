"""``helpline customers import`` when the database refuses part of a batch: the good rows are
imported, the refused row is reported on its line, and nothing ends in a traceback."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import event, insert, select, text

from app.extensions import db
from app.models import Account, Customer
from app.services.customers.customer_import import import_customers
from tests.integration.customer_files import reported, run_import, stored, write_csv

ANA, BOB, CARL, DAN = (f"+1202555010{n}" for n in range(1, 5))
FILE = """
phone,name,accounts
2025550101,Ana,
2025550102,Bob,
2025550103,Carl,tv:T-9
2025550104,Dan,
"""


@pytest.fixture
def before_first_customer_insert() -> Iterator[Callable[[Callable[[], None]], None]]:
    """Run a function once, just before the import's first INSERT into customers."""
    listeners: list[Callable[..., None]] = []

    def arrange(action: Callable[[], None]) -> None:
        pending = [action]

        def listener(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
            if pending and statement.lstrip().upper().startswith("INSERT INTO CUSTOMERS"):
                pending.pop()()

        event.listen(db.engine, "before_cursor_execute", listener)
        listeners.append(listener)

    yield arrange
    for listener in listeners:
        event.remove(db.engine, "before_cursor_execute", listener)


def another_import_creates_bob_and_account_t9() -> None:
    """What a second import running at the same moment commits, on its own connection."""
    with db.engine.begin() as other:
        bob = other.execute(
            insert(Customer).values(phone=BOB, name="Bob elsewhere").returning(Customer.id)
        ).scalar_one()
        other.execute(insert(Account).values(customer_id=bob, number="T-9", service="tv"))


def test_a_customer_created_by_another_import_meanwhile_costs_no_row_of_the_batch(
    runner, tmp_path, before_first_customer_insert
):
    before_first_customer_insert(another_import_creates_bob_and_account_t9)
    path = write_csv(tmp_path, FILE)

    result = run_import(runner, path)

    assert result.exception is None, result.exception
    assert reported(result, path) == ["4: account T-9 belongs to another customer"]
    assert set(stored()) == {ANA, BOB, DAN}
    assert stored()[BOB]["name"] == "Bob"
    assert result.stdout.strip() == "created 2, updated 1, unchanged 0, rejected 1"


@pytest.fixture
def database_refuses_mallory(app) -> Iterator[None]:
    """A rule the database enforces and the import does not know: no customer named Mallory."""
    if db.engine.dialect.name == "postgresql":
        add = "ALTER TABLE customers ADD CONSTRAINT no_mallory CHECK (name <> 'Mallory')"
        drop = "ALTER TABLE customers DROP CONSTRAINT no_mallory"
    else:
        add = (
            "CREATE TRIGGER no_mallory BEFORE INSERT ON customers WHEN NEW.name = 'Mallory' "
            "BEGIN SELECT RAISE(ABORT, 'no Mallory'); END"
        )
        drop = "DROP TRIGGER no_mallory"
    with db.engine.begin() as connection:
        connection.execute(text(add))
    yield
    db.session.rollback()  # the session's locks would block the DROP on PostgreSQL
    db.session.close()
    with db.engine.begin() as connection:
        connection.execute(text(drop))


def test_a_row_the_database_refuses_is_reported_and_the_rest_of_its_batch_imports(
    runner, tmp_path, database_refuses_mallory
):
    path = write_csv(tmp_path, FILE.replace("Carl,tv:T-9", "Mallory,tv:T-9"))

    result = run_import(runner, path)

    assert result.exception is None, result.exception
    (error,) = reported(result, path)
    assert error.startswith("4: the database refused the row: ")
    assert "no_mallory" in error or "no Mallory" in error
    assert set(stored()) == {ANA, BOB, DAN}
    assert db.session.scalars(select(Account.number)).all() == []
    assert result.stdout.strip() == "created 3, updated 0, unchanged 0, rejected 1"


def test_a_refused_row_in_one_batch_costs_no_row_of_the_batches_around_it(
    app, database_refuses_mallory
):
    names = ["Ana", "Bob", "Mallory", "Dan", "Eve", "Fay", "Gus"]
    data = "phone,name\n" + "".join(f"20255501{n:02d},{name}\n" for n, name in enumerate(names))

    report = import_customers(db.session, data, region="US", source="t.csv", batch_size=2)

    assert [(error.line, error.reason[:30]) for error in report.errors] == [
        (4, "the database refused the row: ")
    ]
    assert sorted(customer["name"] for customer in stored().values()) == sorted(
        set(names) - {"Mallory"}
    )
