"""The wrap-up codes the console offers, in one place.

``POST /api/agent/finish`` takes these, and, as before, any other short code (records and
the demo's history hold topic codes such as ``billing_question``); a code is kept to 32
characters.
"""

from __future__ import annotations

WRAP_UP_CODES = ("resolved", "follow_up", "escalated", "no_answer", "wrong_number", "other")
