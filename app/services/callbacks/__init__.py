"""Callbacks: the policy of which numbers we call back, the tasks, and calling back."""
