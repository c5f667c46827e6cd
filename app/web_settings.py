"""The web processes' settings: threads per process, and how many live streams may hold."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.config import ConfigError, count_setting

# The Dockerfile's command says the same: it starts gunicorn before the app reads settings.
DEFAULT_WEB_THREADS = 64
DEFAULT_LIVE_MAX_STREAMS = 48


def web_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """WEB_THREADS and LIVE_MAX_STREAMS read from ``env``."""
    return {
        # gunicorn's gthread workers: a live stream holds a thread for minutes, a webhook
        # for milliseconds; threads are cheap while they wait.
        "WEB_THREADS": count_setting(env, "WEB_THREADS", DEFAULT_WEB_THREADS),
        # Below WEB_THREADS, so webhooks always find a thread; 0 turns live streams off.
        "LIVE_MAX_STREAMS": count_setting(env, "LIVE_MAX_STREAMS", DEFAULT_LIVE_MAX_STREAMS),
    }


def check_web_settings(settings: Mapping[str, Any]) -> None:
    """Live streams may hold some of a process's threads, never all: webhooks need one."""
    threads, streams = settings["WEB_THREADS"], settings["LIVE_MAX_STREAMS"]
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise ConfigError(f"WEB_THREADS must be a whole number above 0, not {threads!r}")
    if isinstance(streams, bool) or not isinstance(streams, int) or streams < 0:
        raise ConfigError(f"LIVE_MAX_STREAMS must be a whole number, 0 or more, not {streams!r}")
    if streams >= threads:
        raise ConfigError(
            "LIVE_MAX_STREAMS must be below WEB_THREADS, so that webhooks always find a "
            f"thread, not {streams} of {threads}"
        )
