"""Markdown written by members, rendered to HTML that is safe to show anyone.

Members write their bio (and, later, project descriptions) in Markdown. Markdown
lets raw HTML through, so the output is always cleaned with nh3 (the Rust
``ammonia`` sanitiser) against a small allow-list:

* only text formatting, lists, quotes, code and links survive; anything else
  (``<script>``, ``<iframe>``, ``<style>``, forms, event-handler attributes) is
  removed, and the content of script and style elements goes with it;
* links keep only ``href`` (http, https, mailto or relative) and ``title`` and
  always get ``rel="nofollow noopener"``, so ``javascript:`` links lose their
  target; a "relative" address that browsers read as another host
  (``//evil.example``, ``/\\evil.example``, or ``/<tab>/evil.example``, since
  browsers drop tabs and line breaks from a URL) loses it too, and so does any
  target with a backslash, which browsers read as a slash;
* images are dropped entirely: an image from another host would leak every
  reader's address to that host (and our CSP would block it anyway);
* headings are shifted down two levels (``#`` becomes ``<h3>``) so that a bio
  never breaks the page's heading order.
"""

import threading
import xml.etree.ElementTree as ET

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = frozenset(
    {
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "code",
        "del",
        "em",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "li",
        "ol",
        "p",
        "pre",
        "strong",
        "sub",
        "sup",
        "ul",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener"
# Removed together with everything inside them, not just unwrapped.
CLEAN_CONTENT_TAGS = frozenset({"script", "style", "iframe", "object", "embed", "template"})

HEADING_SHIFT = 2
_HEADINGS = {f"h{level}" for level in range(1, 7)}


class _DemoteHeadings(Treeprocessor):
    """``# Title`` becomes <h3>: a bio sits under the page's own <h1> and <h2>."""

    def run(self, root: ET.Element) -> None:
        for element in root.iter():
            if element.tag in _HEADINGS:
                level = min(int(element.tag[1]) + HEADING_SHIFT, 6)
                element.tag = f"h{level}"


class _SafeMarkdown(markdown_lib.Extension):
    def extendMarkdown(self, md: markdown_lib.Markdown) -> None:  # noqa: N802 -- Markdown's API
        md.treeprocessors.register(_DemoteHeadings(md), "lef_demote_headings", 5)


# What the URL standard removes before it parses a link: ASCII tab, newline and
# carriage return anywhere, then C0 controls and spaces at the start. Browsers
# read "/<tab>/evil.example" as "//evil.example", so the check below looks at the
# target as they will.
_URL_TAB_OR_NEWLINE = str.maketrans("", "", "\t\n\r")
_URL_LEADING_JUNK = "".join(chr(code) for code in range(0x21))


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Drop a link target that leaves the site without a scheme (nh3's attribute_filter)."""
    if tag == "a" and attribute == "href":
        target = value.translate(_URL_TAB_OR_NEWLINE).lstrip(_URL_LEADING_JUNK)
        if "\\" in target or target.startswith("//"):
            return None
    return value


def sanitise_html(html: str) -> str:
    """Clean an HTML fragment against the allow-list above."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(CLEAN_CONTENT_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_keep_attribute,
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render_markdown(text: str | None) -> SafeString:
    """Markdown to sanitised HTML, marked safe for templates. Empty text gives ""."""
    if not text or not text.strip():
        return mark_safe("")
    converter = _converter().reset()  # reset(): no state from the last conversion
    return mark_safe(sanitise_html(converter.convert(text)))  # noqa: S308 -- cleaned by nh3


_converters = threading.local()


def _converter() -> markdown_lib.Markdown:
    """This thread's Markdown converter: building one costs a third of a conversion.

    One per thread, since a converter is not safe to share while it converts; it
    holds no data between conversions once reset.
    """
    converter = getattr(_converters, "converter", None)
    if converter is None:
        converter = _converters.converter = markdown_lib.Markdown(
            extensions=["sane_lists", "nl2br", _SafeMarkdown()],
            output_format="html",
        )
    return converter
