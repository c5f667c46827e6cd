"""Incidents: their lifecycle and timeline (``lifecycle``), what callers hear of them in the
IVR (``front_door``), the public status page's view of them (``status_page``) and its
subscriptions to updates by text (``subscriptions``)."""
