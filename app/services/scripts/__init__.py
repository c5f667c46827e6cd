"""The message scripts broadcasts send about an incident: the library and rendering
(``scripts``), the check before sending (``script_lint``), what a script knows of a
recipient (``script_variables``) and the template language (``script_sandbox``)."""
