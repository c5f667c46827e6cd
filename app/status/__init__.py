"""The public status page (``/status``): incidents, each service's state, texts of updates."""

from app.status.routes import bp, init_status

__all__ = ["bp", "init_status"]
