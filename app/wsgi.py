"""The WSGI entry point for gunicorn: ``gunicorn app.wsgi:app``.

A missing production setting stops the process with a one-line message instead of a traceback.
"""

from __future__ import annotations

import sys

from app import ConfigError, create_app

try:
    app = create_app()
except ConfigError as exc:
    print(f"helpline: {exc}", file=sys.stderr)
    # Exit code 4 tells gunicorn's arbiter the app cannot boot, so it stops instead of retrying.
    sys.exit(4)
