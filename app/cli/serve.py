"""``helpline serve`` and ``helpline worker``: the processes that run the system."""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext

from app.extensions import redis_store
from app.services.agents import offer_sweeper

log = logging.getLogger(__name__)


# The URLs to paste into Twilio's console for a number (README says the same).
TWILIO_WEBHOOKS = (
    ("A call comes in", "/voice/incoming"),
    ("Primary handler fails (voice)", "/voice/fallback"),
    ("Call status changes", "/voice/status"),
    ("A message comes in", "/sms/incoming"),
    ("Primary handler fails (messaging)", "/sms/fallback"),
    ("Status callback (messaging)", "/sms/status"),
)


@click.command("worker")
@click.option("--burst", is_flag=True, help="Work until the queues are empty, then exit.")
@click.option("--no-sweeper", is_flag=True, help="Do not run the offer sweep beside the worker.")
@with_appcontext
def worker_command(burst: bool, no_sweeper: bool) -> None:
    """Run an RQ worker for the app's queues, and the offer sweep beside it."""
    queues = [redis_store.queue(name) for name in redis_store.QUEUE_NAMES]
    sweeper = None if burst or no_sweeper else _start_sweeper()
    try:
        _worker_class()(queues, connection=redis_store.client).work(
            burst=burst, with_scheduler=True
        )
    finally:
        if sweeper is not None:
            _stop(sweeper)


def _worker_class() -> type[Any]:
    """RQ's worker, with a command channel (pubsub) thread that stops within a second.

    RQ's thread waits up to 60 s per read, and redis-py 8.2's ``stop()`` waits for the
    thread: a warm shutdown (SIGTERM) could take a minute, past the 10 s docker gives a
    container before SIGKILL, and a job in hand would be lost.
    """
    from rq import Worker

    class HelplineWorker(Worker):  # type: ignore[misc]
        def subscribe(self) -> None:
            self.pubsub = self.connection.pubsub()
            self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
            self.pubsub_thread = self.pubsub.run_in_thread(
                sleep_time=1, daemon=True, exception_handler=self._pubsub_exception_handler
            )

    return HelplineWorker


def _start_sweeper() -> subprocess.Popen[bytes]:
    """The offer sweep in its own process: RQ forks job processes, so no thread beside it.

    It lives as long as this worker (it watches its parent), and several workers' sweeps
    share one rate limit in Redis.
    """
    every = str(offer_sweeper.EVERY_SECONDS)
    return subprocess.Popen([sys.executable, "-m", "app.cli", "offers", "sweep", "--every", every])


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, help="Port to listen on.")
@click.option("--workers", default=2, show_default=True, help="Web worker processes.")
@click.option("--no-worker", is_flag=True, help="Do not start an RQ worker beside the web app.")
@with_appcontext
def serve_command(host: str, port: int, workers: int, no_worker: bool) -> None:
    """Start the web app under gunicorn and, for local use, one RQ worker."""
    worker = None
    if not no_worker:
        worker = subprocess.Popen([sys.executable, "-m", "app.cli", "worker"])
    _print_urls(host, port)
    try:
        _run_gunicorn(host, port, workers, int(current_app.config["WEB_THREADS"]))
    finally:
        if worker is not None:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=30)


def _print_urls(host: str, port: int) -> None:
    base = current_app.config["PUBLIC_BASE_URL"] or f"http://{host}:{port}"
    click.echo(f"Helpline is starting on http://{host}:{port}")
    click.echo(f"  health check:         {base}/healthz")
    click.echo("  Twilio webhooks (paste into the console for your number):")
    for label, path in TWILIO_WEBHOOKS:
        click.echo(f"    {label + ':':36} {base}{path}")


def _run_gunicorn(host: str, port: int, workers: int, threads: int) -> None:
    from gunicorn.app.base import BaseApplication

    class _Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            # Threads, not sync workers: a page's live stream (/api/live) holds its thread
            # for minutes; a sync worker held so would answer no webhook meanwhile. Streams
            # may take LIVE_MAX_STREAMS threads of each process, never all of them.
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("threads", threads)
            self.cfg.set("accesslog", "-")

        def load(self) -> Any:
            from app.wsgi import app

            return app

    _Server().run()
