import pytest
from django.template import Context, Template

from lef.markdown import render_markdown

# The shared autouse fixture clears the cache, which lives in the database.
pytestmark = pytest.mark.django_db


def test_render_markdown_formats_text():
    html = render_markdown("Ik geef **rekenen** en *taal*.\n\n- po\n- vo")

    assert html == (
        "<p>Ik geef <strong>rekenen</strong> en <em>taal</em>.</p>\n"
        "<ul>\n<li>po</li>\n<li>vo</li>\n</ul>"
    )


def test_render_markdown_empty_text_gives_empty_string():
    assert render_markdown("") == ""
    assert render_markdown("   \n") == ""
    assert render_markdown(None) == ""


def test_render_markdown_removes_script_with_its_content():
    html = render_markdown("Hallo <script>alert('xss')</script> daar")

    assert "script" not in html
    assert "alert" not in html
    assert html == "<p>Hallo  daar</p>"


def test_render_markdown_drops_javascript_link_target():
    html = render_markdown("[klik](javascript:alert(1))")

    assert html == '<p><a rel="nofollow noopener">klik</a></p>'


def test_render_markdown_drops_javascript_link_in_raw_html():
    html = render_markdown('<a href="JavaScript:alert(1)" onclick="steal()">klik</a>')

    assert "javascript" not in html.lower()
    assert "onclick" not in html
    assert "klik" in html


def test_render_markdown_removes_images_and_event_handlers():
    html = render_markdown(
        '<img src="x" onerror="alert(1)">\n\n![foto](https://evil.example/p.png)'
    )

    assert "<img" not in html
    assert "onerror" not in html
    assert "evil.example" not in html


@pytest.mark.parametrize(
    "raw",
    [
        '<iframe src="https://evil.example"></iframe>',
        "<style>body { display: none }</style>",
        '<div style="position:fixed" onmouseover="x()">raw</div>',
        '<svg onload="alert(1)"><circle/></svg>',
        '<form action="https://evil.example"><input name="password"></form>',
        "<!-- <script>alert(1)</script> -->",
        '<object data="x.swf"></object>',
    ],
)
def test_render_markdown_neutralises_raw_html(raw):
    html = render_markdown(raw)

    for forbidden in (
        "<iframe",
        "<style",
        "style=",
        "onmouseover",
        "onload",
        "<svg",
        "<form",
        "<input",
        "<!--",
        "alert",
        "<object",
        "evil.example",
        "display: none",
    ):
        assert forbidden not in html


def test_render_markdown_links_get_nofollow_noopener():
    html = render_markdown("[LEF](https://lef.example/) en <https://plnt.example>")

    assert html == (
        '<p><a href="https://lef.example/" rel="nofollow noopener">LEF</a> en '
        '<a href="https://plnt.example" rel="nofollow noopener">https://plnt.example</a></p>'
    )


def test_render_markdown_demotes_headings_below_the_page_headings():
    html = render_markdown("# Over mij\n\n## Werk")

    assert html == "<h3>Over mij</h3>\n<h4>Werk</h4>"


def test_render_markdown_keeps_line_breaks():
    assert render_markdown("regel een\nregel twee") == "<p>regel een<br>\nregel twee</p>"


def test_markdown_filter_renders_safe_html():
    template = Template("{% load markdown %}{{ bio|markdown }}")

    html = template.render(Context({"bio": "**vet** <b onclick='x()'>b</b>"}))

    assert html == "<p><strong>vet</strong> <b>b</b></p>"
