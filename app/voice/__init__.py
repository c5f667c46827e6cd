"""Voice webhooks."""
