"""Customers: import, export, consent."""
