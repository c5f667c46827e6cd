"""Migrations build exactly the models' schema, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from app.extensions import db, make_engine
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
        context = MigrationContext.configure(connection, opts={"include_name": schema.include_name})
        differences = compare_metadata(context, Base.metadata)

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


def test_upgrading_keeps_every_call_step_and_makes_room_for_sip_callers(database_url):
    sip_caller = "sip:" + "alice.johnson" * 10 + "@pbx.example.com"  # 150 characters
    schema.downgrade(database_url, "0002")
    engine = make_engine(database_url)  # foreign keys enforced, as the app has them
    with engine.begin() as connection:
        connection.execute(text(OLD_CALL))
        connection.execute(text(OLD_STEP), [{"node": "choose_language"}, {"node": "main_menu"}])
        connection.execute(text(OLD_TASK))

    schema.upgrade(database_url)

    with engine.begin() as connection:
        connection.execute(text("UPDATE interactions SET from_number = :a"), {"a": sip_caller})
        connection.execute(text("UPDATE tasks SET phone = :a"), {"a": sip_caller})
        steps = connection.execute(text("SELECT node_id FROM call_steps ORDER BY id")).all()
        task = connection.execute(text("SELECT interaction_id, phone FROM tasks")).one()
        caller = connection.execute(text("SELECT from_number FROM interactions")).scalar()
    engine.dispose()
    assert [node for (node,) in steps] == ["choose_language", "main_menu"]
    assert tuple(task) == (1, sip_caller)
    assert caller == sip_caller


OLD_CALL = """INSERT INTO interactions (id, channel, direction, twilio_sid, from_number, to_number,
 started_at, outcome, wrap_up_code, notes, details)
 VALUES (1, 'voice', 'inbound', 'CA1', '+14155550123', '+15558675310',
 '2026-11-24 15:00:00+00:00', 'voicemail', '', '', '{}')"""
OLD_STEP = """INSERT INTO call_steps (interaction_id, flow_id, node_id, event, detail, at)
 VALUES (1, 'main', :node, 'node', '', '2026-11-24 15:00:00+00:00')"""
OLD_TASK = """INSERT INTO tasks (kind, status, queue, phone, language, interaction_id, call_sid,
 recording_url, recording_seconds, notes, created_at)
 VALUES ('voicemail', 'open', 'general', '+14155550123', 'en', 1, 'CA1', '', 0, '',
 '2026-11-24 15:00:00+00:00')"""


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
