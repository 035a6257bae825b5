"""lef.sentry: with SENTRY_DSN an error reaches Sentry, and nothing that names a person does.

A tiny HTTP server on loopback plays Sentry: the real SDK, with the options
lef.settings gives it, sends its envelopes there, and the test reads them.
"""

import gzip
import http.server
import threading

import pytest
import sentry_sdk
from django.test import Client
from django.urls import path

from lef import sentry
from tests.factories import MemberFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def _boom(request):
    raise RuntimeError("the view broke")


urlpatterns = [path("boom/", _boom)]


class _FakeSentry(http.server.BaseHTTPRequestHandler):
    received: list[bytes]

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            import brotli  # noqa: PLC0415 -- the SDK uses it when it is installed

            body = brotli.decompress(body)
        self.received.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_sentry():
    received: list[bytes] = []
    handler = type("Handler", (_FakeSentry,), {"received": received})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    sentry.start(dsn=f"http://publickey@127.0.0.1:{port}/1", environment="test", release="t1")
    try:
        yield received
    finally:
        sentry_sdk.get_client().close(timeout=2)
        sentry_sdk.get_global_scope().set_client(None)
        server.shutdown()
        server.server_close()


def test_an_error_in_a_view_is_sent_without_personal_data(fake_sentry):
    member = MemberFactory(email="sanne.devries@school.example", name="Sanne de Vries")
    client = Client(raise_request_exception=False)
    client.force_login(member)

    response = client.post(
        "/boom/?email=sanne.devries@school.example",
        {"name": "Sanne de Vries", "note": "bel 06-12345678"},
        headers={"X-Forwarded-For": "203.0.113.7", "User-Agent": "Sanne's phone"},
    )
    sentry_sdk.flush(timeout=5)

    assert response.status_code == 500
    sent = b"".join(fake_sentry).decode()
    assert "RuntimeError" in sent
    assert "the view broke" in sent
    assert '"environment":"test"' in sent.replace(" ", "")
    assert '"function":"_boom"' in sent  # the stack trace, without its variables
    for personal in (
        "sanne",
        "Sanne",
        "Vries",
        "06-12345678",
        "203.0.113.7",
        member.username,
        "sessionid",
        f'"id":"{member.pk}"',
    ):
        assert personal not in sent


def test_without_a_dsn_nothing_is_started():
    assert not sentry_sdk.get_client().is_active()
