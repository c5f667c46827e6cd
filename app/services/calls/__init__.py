"""Calls: the IVR, hold, the overflow ladder, connecting callers to agents."""
