"""The POST forms of a page, read from its HTML as a browser would submit them."""

from copy import deepcopy
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit


@dataclass
class HtmlForm:
    action: str
    multipart: bool
    # name -> the values a browser sends as the page stands (several for a
    # multiple select or checkboxes of one name; none for an unticked box).
    fields: dict[str, list[str]] = field(default_factory=dict)
    # name -> every value the page offers (options, radio and checkbox values, buttons).
    choices: dict[str, list[str]] = field(default_factory=dict)
    files: set[str] = field(default_factory=set)
    # Buttons that send the form elsewhere (formaction): (action, name, value).
    elsewhere: list[tuple[str, str, str]] = field(default_factory=list)


class _Parser(HTMLParser):
    def __init__(self, page_path: str):
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.forms: list[HtmlForm] = []
        self.form: HtmlForm | None = None
        self.select: tuple[str, bool] | None = None
        self.textarea: str | None = None

    def _path(self, action: str) -> str:
        return urlsplit(urljoin(self.page_path, action or self.page_path)).path

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                multipart = a.get("enctype", "") == "multipart/form-data"
                self.form = HtmlForm(self._path(a.get("action", "")), multipart)
                self.forms.append(self.form)
        elif (self.form is not None and a.get("name")) or "formaction" in a:
            self._field(tag, a)
        elif tag == "option" and self.select and self.form is not None:
            self._option(a)

    def _field(self, tag, a):
        form, name = self.form, a.get("name", "")
        kind = a.get("type", "submit" if tag == "button" else "text").lower()
        if form is None:
            return
        if tag in {"input", "button"} and kind in {"submit", "button", "image", "reset"}:
            if "formaction" in a:
                form.elsewhere.append((self._path(a["formaction"]), name, a.get("value", "")))
            elif name:
                form.choices.setdefault(name, []).append(a.get("value", ""))
                form.fields.setdefault(name, [a.get("value", "")])
        elif tag == "input":
            values = form.fields.setdefault(name, [])
            if kind == "file":
                form.files.add(name)
            elif kind in {"checkbox", "radio"}:
                form.choices.setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    values.append(a.get("value", "on"))
            else:
                values.append(a.get("value", ""))
        elif tag == "select":
            self.select = (name, "multiple" in a)
            form.fields.setdefault(name, [])
        elif tag == "textarea":
            self.textarea = name
            form.fields[name] = [""]

    def _option(self, a):
        name, _multiple = self.select
        value = a.get("value", "")
        self.form.choices.setdefault(name, []).append(value)
        if "selected" in a:
            self.form.fields[name].append(value)

    def handle_endtag(self, tag):
        if tag == "form" and self.form is not None:
            self._split(self.form)
            self.form = None
        elif tag == "select" and self.select and self.form is not None:
            name, multiple = self.select
            options = self.form.choices.get(name, [])
            if not multiple and not self.form.fields[name] and options:
                self.form.fields[name].append(options[0])  # a single select sends its first
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea and self.form is not None:
            self.form.fields[self.textarea][-1] += data

    def _split(self, form):
        """A button with a formaction sends the same fields to its own address."""
        for action, name, value in form.elsewhere:
            copy = deepcopy(form)
            copy.action, copy.elsewhere = action, []
            if name:
                copy.fields[name] = [value]
                copy.choices.setdefault(name, []).append(value)
            self.forms.append(copy)


def post_forms(html: str, page_path: str) -> list[HtmlForm]:
    parser = _Parser(page_path)
    parser.feed(html)
    return parser.forms


def form_for(html: str, page_path: str, action: str) -> HtmlForm | None:
    """The POST form on the page that submits to ``action``, the most fields first."""
    forms = [form for form in post_forms(html, page_path) if form.action == action]
    return max(forms, key=lambda form: len(form.fields), default=None)
