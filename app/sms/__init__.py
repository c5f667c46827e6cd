"""SMS webhooks."""
