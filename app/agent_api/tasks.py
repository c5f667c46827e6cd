"""``/api/agent/tasks``: placeholder."""
