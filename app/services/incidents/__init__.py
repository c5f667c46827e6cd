"""Incidents: their lifecycle and timeline (``lifecycle``), what callers hear of them in the
IVR (``front_door``), the public status page's view of them (``status_page``) and its
subscriptions to updates by text (``subscriptions``), and the message scripts broadcasts
send (``scripts``: the library and rendering; ``script_lint``: the check before sending;
``script_variables``: what a script knows of a recipient; ``script_sandbox``: the template
language)."""
