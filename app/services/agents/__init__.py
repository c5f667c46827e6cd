"""Agents: the desk (presence, offers, accept), wrap-up, staff logins."""
