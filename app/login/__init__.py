"""``/login`` and ``/logout``: staff log in with a form and land on their role's page."""
