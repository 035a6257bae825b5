"""Security defaults: headers, a strict CSP the pages really obey, no third-party
hosts, and the error pages in the site's layout."""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.core.exceptions import PermissionDenied
from django.template import loader
from django.urls import path
from django.utils import translation
from django.utils.html import escape

from lef.urls import urlpatterns as lef_urlpatterns
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _forbidden(request):
    raise PermissionDenied


def _broken(request):
    msg = "a bug"
    raise RuntimeError(msg)


# The site's URLs plus two that fail on purpose (used with @pytest.mark.urls).
urlpatterns = [
    path("__test__/forbidden/", _forbidden),
    path("__test__/broken/", _broken),
    *lef_urlpatterns,
]
WITH_FAILING_URLS = pytest.mark.urls(__name__)

ANONYMOUS_PAGES = [
    "/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/this-page-does-not-exist/",
]
MEMBER_PAGES = [
    "/",
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/logout/",
    "/this-page-does-not-exist/",
]
PAGES_BY_VISITOR = [(False, page) for page in ANONYMOUS_PAGES] + [
    (True, page) for page in MEMBER_PAGES
]


class _Resources(HTMLParser):
    """Collects what a page makes the browser fetch or send, and inline code."""

    FETCHING = {"src", "srcset", "action", "formaction", "poster", "data"}

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []  # fetched by the browser without a click
        self.links: list[str] = []  # <a href>, followed on a click
        self.inline_scripts: list[dict] = []
        self.style_elements = 0
        self.style_attributes = 0
        self.event_handlers: list[str] = []
        self._in_script: dict | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if value is None:
                continue
            if name in self.FETCHING or (tag == "link" and name == "href"):
                self.urls.extend(part.strip().split(" ")[0] for part in value.split(","))
            elif tag == "a" and name == "href":
                self.links.append(value)
            if name == "style":
                self.style_attributes += 1
            if name.startswith("on"):
                self.event_handlers.append(f"<{tag} {name}>")
        if tag == "style":
            self.style_elements += 1
        # A data block (<script type="application/json">, as json_script and
        # allauth's passkey login write) is never run, so the CSP does not apply.
        if tag == "script" and "src" not in attributes and not _is_data_block(attributes):
            self._in_script = attributes

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = None

    def handle_data(self, data):
        if self._in_script is not None and data.strip():
            self.inline_scripts.append(self._in_script)


def _is_data_block(attributes: dict) -> bool:
    return (attributes.get("type") or "").lower() in {"application/json", "application/ld+json"}


def _parse(response) -> _Resources:
    parser = _Resources()
    parser.feed(response.content.decode())
    return parser


def _csp(response) -> dict[str, list[str]]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def test_security_headers_on_a_page(client):
    response = client.get("/")

    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"].split(", ")
    csp = _csp(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"][0] == "'self'"
    assert re.fullmatch(r"'nonce-[\w-]+'", csp["script-src"][1])
    assert len(csp["script-src"]) == 2
    assert csp["style-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


def test_static_files_may_be_shown_by_other_sites(client):
    # An uploaded photo or the logo may appear in a mail read on another origin.
    response = client.head("/static/img/favicon.svg")  # HEAD: WhiteNoise opens no file

    assert response.status_code == 200
    assert "Cross-Origin-Resource-Policy" not in response
    assert response["X-Content-Type-Options"] == "nosniff"


def test_security_csp_nonce_is_fresh_for_every_response(client):
    first = _csp(client.get("/"))["script-src"][1]
    second = _csp(client.get("/"))["script-src"][1]

    assert first != second


def test_security_hsts_on_https_in_production(client, settings):
    # The production values (tests/lef/test_settings.py checks they are the defaults).
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True

    response = client.get("/", secure=True)

    assert response["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )


def test_security_https_redirect_in_production(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    response = client.get("/accounts/login/")

    assert response.status_code == 301
    assert response["Location"] == "https://testserver/accounts/login/"


def test_security_session_and_csrf_cookies_are_http_only(client):
    user = UserFactory()
    client.get("/accounts/login/")  # sets the CSRF cookie
    response = client.post(
        "/accounts/login/", {"login": user.email, "password": "correct-horse-battery-staple"}
    )

    assert response.status_code == 302
    assert client.cookies["sessionid"]["httponly"] is True
    assert client.cookies["csrftoken"]["httponly"] is True
    assert client.cookies["sessionid"]["samesite"] == "Lax"


@pytest.mark.parametrize(("signed_in", "page"), PAGES_BY_VISITOR)
def test_pages_have_no_inline_code_the_csp_would_block(client, page, signed_in):
    if signed_in:
        client.force_login(UserFactory())
    response = client.get(page)
    assert response.status_code in {200, 404}
    nonce = _csp(response)["script-src"][1][len("'nonce-") : -1]

    found = _parse(response)

    assert found.style_elements == 0
    assert found.style_attributes == 0
    assert found.event_handlers == []
    assert [s for s in found.inline_scripts if s.get("nonce") != nonce] == []


@pytest.mark.parametrize(("signed_in", "page"), PAGES_BY_VISITOR)
def test_pages_fetch_nothing_from_other_hosts(client, page, signed_in):
    if signed_in:
        client.force_login(UserFactory())

    found = _parse(client.get(page))

    assert found.urls  # the parser sees the stylesheets and scripts
    assert [u for u in found.urls if urlsplit(u).netloc not in {"", "testserver"}] == []


def test_layout_links_to_no_other_host(client):
    # The 404 page is the bare layout: navigation, footer, a line of text.
    found = _parse(client.get("/this-page-does-not-exist/"))

    foreign = [u for u in found.links if urlsplit(u).scheme in {"http", "https"}]
    assert foreign == []
    assert "mailto" in {urlsplit(u).scheme for u in found.links}  # the contact address


def t(language: str, text: str) -> str:
    with translation.override(language):
        return escape(translation.gettext(text))


def _assert_error_page(response, status, language, title, heading):
    assert response.status_code == status
    assert response["Content-Language"] == language
    assert "base.html" in [tpl.name for tpl in response.templates]
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert f"<title>{t(language, title)} · 't LEF</title>" in html
    assert f"<h1>{t(language, heading)}</h1>" in html
    assert 'id="main"' in html
    assert t(language, "Skip to main content") in html


@pytest.mark.parametrize("language", ["nl", "en"])
def test_404_is_translated_in_the_layout(client, language):
    response = client.get("/nergens/", headers={"accept-language": language})

    _assert_error_page(response, 404, language, "Page not found", "We cannot find this page")


@WITH_FAILING_URLS
@pytest.mark.parametrize("language", ["nl", "en"])
def test_403_is_translated_in_the_layout(client, language):
    response = client.get("/__test__/forbidden/", headers={"accept-language": language})

    _assert_error_page(response, 403, language, "No access", "You cannot open this page")


@WITH_FAILING_URLS
@pytest.mark.parametrize("language", ["nl", "en"])
def test_500_is_friendly_translated_and_needs_no_database(
    client, language, django_assert_num_queries, settings
):
    # Django's handler500 renders 500.html with an empty context: no request, no
    # user, no context processors. Its layout (error_base.html) must not query
    # the database either, which is often what failed.
    settings.LEF_CONTACT_EMAIL = "hulp@lef.example"
    client.raise_request_exception = False
    with translation.override(language), django_assert_num_queries(0):
        page = loader.get_template("500.html").render()

    response = client.get("/__test__/broken/", headers={"accept-language": language})

    assert response.status_code == 500
    assert [tpl.name for tpl in response.templates] == ["500.html", "error_base.html"]
    assert response.content.decode() == page
    assert f'<html lang="{language}">' in page
    assert f"<title>{t(language, 'Something went wrong')} · 't LEF</title>" in page
    assert f"<h1>{t(language, 'Something went wrong on our side')}</h1>" in page
    assert '<a class="btn btn-lef" href="/">' in page
    assert '<a href="mailto:hulp@lef.example">hulp@lef.example</a>' in page
    assert t(language, "Does it keep happening? Mail us:") in page
    assert "/static/css/lef.css" in page
    csp = _csp(response)
    assert csp["script-src"][0] == "'self'"
    assert csp["frame-ancestors"] == ["'none'"]
    found = _parse(response)
    assert found.inline_scripts == []
    assert found.style_attributes == found.style_elements == 0
