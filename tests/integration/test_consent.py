"""Consent history: the latest event is the customer's choice, and history is never rewritten."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import Channel, ConsentSource, Customer, Purpose
from app.models.consent import ConsentIsAppendOnly
from app.services.customers.consent import change_consent, current_consent, record_consent


def test_current_consent_is_the_latest_event_and_none_means_not_consented(app):
    customer = Customer(phone="+12025550143", name="Ana")
    db.session.add(customer)
    db.session.flush()
    sms, notices = Channel.SMS, Purpose.SERVICE_NOTICES

    assert current_consent(db.session, customer.id, sms, notices) is False
    record_consent(db.session, customer.id, sms, notices, True, ConsentSource.WEB)
    assert current_consent(db.session, customer.id, sms, notices) is True
    assert change_consent(db.session, customer.id, sms, notices, True, ConsentSource.AGENT) is None
    assert change_consent(db.session, customer.id, sms, notices, False, ConsentSource.KEYWORD)
    assert current_consent(db.session, customer.id, sms, notices) is False
    assert current_consent(db.session, customer.id, Channel.VOICE, notices) is False


def test_consent_recorded_by_the_service_cannot_be_rewritten(app):
    customer = Customer(phone="+12025550143", name="Ana")
    db.session.add(customer)
    db.session.flush()
    event = record_consent(
        db.session, customer.id, Channel.SMS, Purpose.MARKETING, True, ConsentSource.WEB
    )
    db.session.commit()

    event.opted_in = False
    with pytest.raises(ConsentIsAppendOnly):
        db.session.commit()
    db.session.rollback()
