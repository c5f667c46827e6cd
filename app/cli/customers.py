"""``helpline customers``: customer records."""

from __future__ import annotations

from flask.cli import AppGroup

customers_cli = AppGroup("customers", help="Import and inspect customers.")
