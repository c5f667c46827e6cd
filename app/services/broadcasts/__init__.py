"""Broadcasts: an incident's message sent by text or call to those it touches.

Planning (``broadcasts``: create, status; ``audience``: who, in waves; ``planning``: the
job), sending (``sending_run``: start, pause, resume, cancel and the jobs' loop;
``sender``: claim, render, send, record, recover; ``pacing``: one rate for every worker;
``quiet_hours``; ``load_hold``: waves held while the queues' wait is high), calls
(``broadcast_calls``: placing them; ``call_answers``: what they say and their status) and
texts' receipts (``delivery_receipts``).
"""
