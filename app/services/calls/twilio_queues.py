"""Twilio's side of our queues: the ``<Enqueue>`` that puts a caller in Twilio's queue, and
the QueueSid Twilio gave each queue (an agent's call dequeues the caller through it)."""

from __future__ import annotations

from flask import url_for
from twilio.twiml.voice_response import VoiceResponse

from app.extensions import redis_store

TWILIO_QUEUE_KEY = "helpline:twilio-queue:%s"  # queue name -> Twilio's QueueSid


def remember_twilio_queue(queue: str, queue_sid: str) -> None:
    """Note Twilio's QueueSid for ``queue`` (sent with every hold request)."""
    if queue_sid:
        redis_store.client.set(TWILIO_QUEUE_KEY % queue, queue_sid, ex=86400)


def twilio_queue(queue: str) -> str | None:
    """Twilio's QueueSid for ``queue``, once a caller has waited in it."""
    value = redis_store.client.get(TWILIO_QUEUE_KEY % queue)
    return value.decode() if isinstance(value, bytes) else value


def enqueue_twiml(response: VoiceResponse, queue: str, language: str) -> None:
    """Put the caller (back) in Twilio's queue with our hold and exit URLs."""
    response.enqueue(
        queue,
        wait_url=url_for("voice.hold_music", q=queue, l=language),
        wait_url_method="POST",
        action=url_for("voice.queue_exit", q=queue, l=language),
        method="POST",
    )
