"""Migrations build exactly the models' schema, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from app.extensions import db
from app.models import (
    Base,
    Channel,
    ConsentEvent,
    ConsentSource,
    Customer,
    Purpose,
    Tier,
)
from app.models.consent import ConsentIsAppendOnly
from app.services import schema


def test_migrated_database_matches_the_models(database_url):
    engine = create_engine(database_url)

    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)

    engine.dispose()
    assert differences == []


def test_migrations_go_down_to_nothing_and_back_up(database_url):
    engine = create_engine(database_url)

    schema.downgrade(database_url, "base")
    tables_when_down = set(inspect(engine).get_table_names()) - {"alembic_version"}
    schema.upgrade(database_url)

    assert tables_when_down == set()
    assert set(inspect(engine).get_table_names()) >= {t.name for t in Base.metadata.sorted_tables}
    engine.dispose()


def test_times_come_back_aware_in_utc(app):
    created = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)
    db.session.add(Customer(phone="+14155550123", name="Ada", created_at=created))
    db.session.commit()
    db.session.expunge_all()

    loaded = db.session.get(Customer, 1)

    assert loaded.created_at == created
    assert loaded.created_at.tzinfo is not None
    assert loaded.tier is Tier.BRONZE
    assert loaded.lifetime_value == Decimal("0")


def test_recorded_consent_cannot_be_rewritten(app):
    customer = Customer(phone="+14155550123", name="Ada")
    event = ConsentEvent(
        customer=customer,
        channel=Channel.SMS,
        purpose=Purpose.SERVICE_NOTICES,
        opted_in=True,
        source=ConsentSource.WEB,
    )
    db.session.add_all([customer, event])
    db.session.commit()

    event.opted_in = False
    with pytest.raises(ConsentIsAppendOnly):
        db.session.commit()
    db.session.rollback()

    db.session.delete(event)
    with pytest.raises(ConsentIsAppendOnly):
        db.session.commit()
