"""Members' Markdown made into HTML that is safe to show: rendered, then sanitized.

markdown-it-py renders CommonMark with raw HTML turned off (so ``<script>`` stays text);
nh3 then keeps only an allow-list of tags, attributes and URL schemes, whatever the
renderer let through. Links get ``rel="nofollow ugc"``. Images are shown as links to the
image: the page loads nothing from addresses a member chose (and the CSP would refuse it).
"""

from __future__ import annotations

import html
from functools import cache
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

TAGS = {
    "p", "br", "hr", "a", "em", "strong", "code", "pre", "blockquote",
    "ul", "ol", "li", "h3", "h4", "h5", "h6", "s",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
SCHEMES = {"http", "https", "mailto"}
REL = "nofollow ugc"


def render_markdown(text: str) -> str:
    """Safe HTML for a member's Markdown."""
    return nh3.clean(
        _renderer().render(text),
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=SCHEMES,
        link_rel=REL,
        strip_comments=True,
    )


def plain_text(text: str, limit: int = 200) -> str:
    """A short plain-text excerpt of a member's Markdown (for lists and previews)."""
    words = " ".join(html.unescape(nh3.clean(render_markdown(text), tags=set())).split())
    return words if len(words) <= limit else words[: limit - 1].rstrip() + "…"


@cache
def _renderer() -> MarkdownIt:
    renderer = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("strikethrough")
    renderer.add_render_rule("image", _image_as_link)
    renderer.add_render_rule("heading_open", _lower_heading)
    renderer.add_render_rule("heading_close", _lower_heading)
    return renderer


def _image_as_link(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children or [], options, env) or "image"
    src = escapeHtml(str(token.attrGet("src") or ""))
    return f'<a href="{src}">{escapeHtml("Image: " + alt)}</a>'


def _lower_heading(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    # The page has its own h1 and h2: a post's headings start at h3.
    token = tokens[idx]
    level = min(6, int(token.tag[1]) + 2)
    return f"<{'/' if token.nesting < 0 else ''}h{level}>"
