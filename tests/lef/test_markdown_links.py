"""Link targets in member Markdown never send a reader to another host.

Browsers remove ASCII tab, newline and carriage return anywhere in a URL and
strip leading spaces and C0 control characters before they parse it, so
``/<tab>/evil.example`` is read as ``//evil.example``: another host.
"""

import pytest

from lef.markdown import render_markdown, sanitise_html

NO_TARGET = '<p><a rel="nofollow noopener">away</a></p>'


@pytest.mark.parametrize(
    "text",
    [
        "[away](/&#9;/evil.example)",
        "[away](/&#10;/evil.example)",
        "[away](/&#13;/evil.example)",
        "[away](/&Tab;/evil.example)",
        "[away](/&NewLine;/evil.example)",
        '<a href="/&#9;/evil.example">away</a>',
        '<a href="/&#10;/evil.example">away</a>',
        '<a href="/&#13;/evil.example">away</a>',
        '<a href="/&#13;&#10;/evil.example">away</a>',
        '<a href="&#1;//evil.example">away</a>',
        '<a href="&#31;/&#9;/evil.example">away</a>',
    ],
)
def test_render_markdown_drops_link_that_browsers_read_as_another_host(text):
    assert render_markdown(text) == NO_TARGET


@pytest.mark.parametrize(
    "href",
    ["/\t/evil.example", "/\n/evil.example", "/\r/evil.example", "\x1f//evil.example"],
)
def test_sanitise_html_drops_literal_control_characters_that_make_another_host(href):
    html = f'<p><a href="{href}">away</a></p>'

    assert sanitise_html(html) == NO_TARGET


@pytest.mark.parametrize(
    ("text", "href"),
    [
        # Browsers keep %09 as it is: a path on this site, not another host.
        ("[away](/%09/evil.example)", "/%09/evil.example"),
        # Markdown turns a literal tab into spaces, which browsers keep (as %20).
        ("[away](/\t/evil.example)", "/    /evil.example"),
        ("[in](/events/)", "/events/"),
        ("[in](/events/&#9;autumn/)", "/events/\tautumn/"),
        ("[out](https://example.org/)", "https://example.org/"),
    ],
)
def test_render_markdown_keeps_links_that_stay_relative_or_name_their_scheme(text, href):
    html = render_markdown(text)

    assert html.startswith(f'<p><a href="{href}" rel="nofollow noopener">')


@pytest.mark.parametrize(
    "href", ["//evil.example/x", "\\\\evil.example", "/\\evil.example", "\\/evil.example"]
)
def test_render_markdown_drops_a_scheme_relative_link_to_another_host(href):
    assert render_markdown(f"[away]({href})") == NO_TARGET


def test_render_markdown_keeps_ordinary_links_of_a_bio():
    html = render_markdown("[site](https://www.scol.nl/) en [profiel](/members/sanne/)")

    assert html == (
        '<p><a href="https://www.scol.nl/" rel="nofollow noopener">site</a> en '
        '<a href="/members/sanne/" rel="nofollow noopener">profiel</a></p>'
    )
