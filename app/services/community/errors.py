"""What the community refuses, each with the HTTP status a page answers it with."""

from __future__ import annotations


class CommunityError(Exception):
    """A request the community refuses; the message is for the person who made it."""

    status = 400


class NotAllowed(CommunityError):
    """Not for this person: not logged in, not the author, not staff."""

    status = 403


class NotFound(CommunityError):
    """No such post, or not one this person may see."""

    status = 404


class AlreadyDone(CommunityError):
    """Done once already: a second vote or flag on the same post."""

    status = 409
