"""Incidents: their lifecycle and timeline (``lifecycle``), what callers hear of them in the
IVR (``front_door``) and the updates by text a caller asks for there
(``call_subscriptions``), the public status page's view of them (``status_page``) and its
subscriptions to updates by text (``subscriptions``). The messages sent about them are
``app.services.scripts``; sending them, ``app.services.broadcasts``."""
