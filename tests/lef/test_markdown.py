"""lef.markdown reuses one converter per thread: nothing carries over between texts."""

import threading

from lef.markdown import render_markdown


def test_a_link_reference_of_one_text_does_not_reach_the_next():
    first = render_markdown("See [the site][home].\n\n[home]: https://lef.example.nl/")
    second = render_markdown("See [the site][home].")

    assert 'href="https://lef.example.nl/"' in first
    assert second == "<p>See [the site][home].</p>"


def test_texts_converted_at_once_in_threads_each_get_their_own_html():
    texts = [f"**{number}**\n\n- item {number}" for number in range(8)]
    expected = [render_markdown(text) for text in texts]
    found = [None] * len(texts)
    start = threading.Barrier(len(texts))

    def convert(index):
        start.wait()
        for _ in range(20):
            found[index] = render_markdown(texts[index])

    threads = [threading.Thread(target=convert, args=(i,)) for i in range(len(texts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert found == expected
