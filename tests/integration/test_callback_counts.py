"""Callback requests are counted in Redis, per number and for all numbers, for an hour."""

from __future__ import annotations

from app.services.callbacks.callback_policy import (
    ALL_COUNT_KEY,
    NUMBER_COUNT_KEY,
    WINDOW_SECONDS,
    Refusal,
    count_request,
)

CUSTOMER = "+14155550142"


def test_a_number_past_its_limit_is_allowed_again_once_its_hour_is_over(app, redis_client):
    app.config["CALLBACK_LIMIT_PER_NUMBER"] = 1
    key = NUMBER_COUNT_KEY % CUSTOMER
    first = count_request(CUSTOMER, "CA1")
    refused = count_request(CUSTOMER, "CA2")
    lasts = (redis_client.ttl(key), redis_client.ttl(ALL_COUNT_KEY))
    redis_client.delete(key)  # the hour is over: Redis expires the count

    again = count_request(CUSTOMER, "CA3")

    assert (first, refused, again) == (None, Refusal.NUMBER_LIMIT, None)
    assert all(0 < seconds <= WINDOW_SECONDS for seconds in lasts)
