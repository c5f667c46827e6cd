"""The community pages (``/community``): public Q&A, members, moderation by staff."""

from app.community.routes import bp, init_community

__all__ = ["bp", "init_community"]
