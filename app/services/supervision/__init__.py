"""Supervision: queue metrics and IVR statistics."""
