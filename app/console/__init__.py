"""``/console``: the agent's page (presence, queues, offers, the contact, tasks)."""
