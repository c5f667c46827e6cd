"""Use cases: load, call the core, persist, commit once."""
