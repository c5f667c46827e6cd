"""The agent API: JSON for the console (and scripts), behind staff logins and CSRF checks."""
