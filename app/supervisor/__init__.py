"""``/supervisor``: the floor at a glance for supervisors and admins."""
