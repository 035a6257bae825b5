"""lef.markdown reuses one converter per thread: nothing carries over between texts."""

from lef.markdown import render_markdown
from tests.helpers import run_at_once


def test_a_link_reference_of_one_text_does_not_reach_the_next():
    first = render_markdown("See [the site][home].\n\n[home]: https://lef.example.nl/")
    second = render_markdown("See [the site][home].")

    assert 'href="https://lef.example.nl/"' in first
    assert second == "<p>See [the site][home].</p>"


def test_texts_converted_at_once_in_threads_each_get_their_own_html():
    texts = [f"**{number}**\n\n- item {number}" for number in range(8)]
    expected = [render_markdown(text) for text in texts]

    def convert(text):
        return [render_markdown(text) for _ in range(20)]

    outcomes = run_at_once([lambda text=text: convert(text) for text in texts])

    assert outcomes == [[html] * 20 for html in expected]
