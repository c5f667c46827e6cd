"""Community Q&A: posts, the knowledge-base search over them, imports.

Public functions other areas call (each works in the caller's session; the caller commits):
``kb_search.search`` and ``kb_search.record_outcome``; ``kb_posts`` to write, edit, hide,
accept and merge posts, each keeping the search index current; ``kb_import`` for files.
"""
