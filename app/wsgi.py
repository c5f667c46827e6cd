"""The WSGI entry point for gunicorn: ``gunicorn app.wsgi:app``.

A missing production setting stops the process with a one-line message instead of a traceback.
"""

from __future__ import annotations

import gc
import sys

from app import ConfigError, create_app

try:
    app = create_app()
except ConfigError as exc:
    print(f"helpline: {exc}", file=sys.stderr)
    # Exit code 4 tells gunicorn's arbiter the app cannot boot, so it stops instead of retrying.
    sys.exit(4)

# What is loaded by now (modules, the app) lives as long as the worker. Frozen, it
# is left out of the collector's full passes, which otherwise walk all of it (some 100,000
# objects, tens of milliseconds during which callers wait) every few thousand requests.
gc.freeze()
