"""Texting: SMS keywords, deflection by search, conversations with agents, delivery receipts."""
