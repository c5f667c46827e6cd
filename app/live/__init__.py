"""Live updates without reloads: events published on Redis, streamed to pages as SSE.

A change (a caller enqueued, an offer taken back, an agent away, a task closed, a switch
flipped) is published as a small JSON event on one Redis channel (``publish``). Each web
process has one subscriber thread (``hub``) that fans the events out to its open
``GET /api/live`` streams (``routes``). Events carry ids and queue names only: a page
re-fetches its own JSON when one arrives, with its own permissions.
"""
