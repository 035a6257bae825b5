"""``{{ text|markdown }}``: member-written Markdown as sanitised HTML (see lef.markdown)."""

from django import template

from lef.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown", is_safe=True)
def markdown_filter(text):
    return render_markdown(str(text) if text is not None else "")
