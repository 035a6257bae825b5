"""Hypothesis strategies for what no person types but anyone can send."""

import math

from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import strategies as st

HUGE = "Ä" * 100_000

HOSTILE_TEXT = [
    "",
    " ",
    HUGE,
    "w" * 4999,  # one word, within most limits (its search tails once overflowed)
    "lang woord " * 9000,
    "x" * 256,
    "\u202egnp.exe\u202c",  # right-to-left override
    "\u200f\u2066\u2069\u061c",  # direction marks and isolates
    "\ufeff\u200b\u00ad",  # byte order mark, zero width space, soft hyphen
    "\t\r\n\x0b\x0c",
    "\x01\x07\x1b[31m\x7f",  # control characters (NUL: the middleware's 400)
    "\x00",
    "😀👩🏽‍🏫🇳🇱",
    "Ǆ̸̡̛͈͎͔̹̼̝̞̝̞̲̲͎̼̬̙̤̫̗̙̻̝̭͉̣̭͑͐͌̂̃̎ͣ̂͑̂̓",
    "{{ 7*7 }}",
    "{% debug %}{% load static %}",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "' OR 1=1 --",
    '"; DROP TABLE members_user; --',
    "%s%s%s%n",
    "${7*7}#{7*7}",
    "../../../../etc/passwd",
    "http://evil.example/",
    "//evil.example",
    "[x](javascript:alert(1))",
    "-1",
    "0",
    "-0",
    "1.5",
    "0x10",
    str(10**20),
    "9" * 40,
    "NaN",
    "inf",
    "-inf",
    "1e309",
    str(-(2**63)),
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "2026-02-30",
    "2026-13-01",
    "31-12-2026",
    "2026-03-29 02:30",  # the hour summer time skips in Amsterdam
    "2026-10-25 02:30",  # the hour it repeats
    "24:00",
    "23:59:60",
    "9999-12-31T23:59:59+14:00",
    "on",
    "true",
    "None",
    "null",
    "[]",
    "{}",
    "a@b",
    "lid@school.example",
    "🙂@example.com",
]


def _file(name, content, kind):
    return lambda: SimpleUploadedFile(name, content, content_type=kind)


# Made fresh for each request: a file object is read once.
HOSTILE_FILES = [
    _file("foto.png", b"not an image at all", "image/png"),
    _file("foto.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64, "image/jpeg"),
    _file(
        "x.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "image/svg+xml"
    ),
    _file("leeg.png", b"", "image/png"),
    _file("\u202egnp.exe", b"MZ\x90\x00", "application/octet-stream"),
    _file("groot.gif", b"GIF89a" + b"\x00" * 300_000, "image/gif"),
]

MISSING = object()

texts = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(
        lambda f: "nan" if math.isnan(f) else repr(f)
    ),
    st.dates().map(str),
)


def field_values(baseline: list[str], choices: list[str]):
    """One field's values: as on the page, another choice, hostile, repeated, or gone."""
    one = st.one_of(texts, st.sampled_from(choices)) if choices else texts
    return st.one_of(
        st.just(baseline),
        one.map(lambda value: [value]),
        st.lists(one, min_size=2, max_size=3),  # the key repeated
        st.just(MISSING),
    )


@st.composite
def submissions(draw, fields: dict, choices: dict, files: set):
    """A POST body: the form as the page shows it, with some fields made hostile, some
    removed, and perhaps a field the form does not have."""
    names = sorted(fields)
    # Mostly one or two fields changed, so that the rest is valid and the value
    # reaches the service and the database; now and then many at once.
    many = st.sets(st.sampled_from(names), max_size=len(names))
    few = st.sets(st.sampled_from(names), min_size=1, max_size=2)
    changed = draw(st.one_of(few, few, few, many)) if names else set()
    data = {}
    for name in names:
        if name in files:
            if name in changed:
                data[name] = draw(st.sampled_from(HOSTILE_FILES))()
            continue
        value = (
            draw(field_values(fields[name], choices.get(name, [])))
            if name in changed
            else fields[name]
        )
        if value is not MISSING and value != []:
            data[name] = value
    extra = draw(
        st.dictionaries(
            st.sampled_from(["id", "pk", "user", "is_staff", "status", "__proto__", "_save"]),
            texts,
            max_size=2,
        )
    )
    for name, value in extra.items():
        data.setdefault(name, value)
    return data
