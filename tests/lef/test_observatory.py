"""Mozilla's HTTP Observatory scores the site's headers A+ under production settings.

Issue 17, point 4. gunicorn serves the site over TLS on loopback with the
production settings (tests/lef/observatory_settings.py: lef.settings, DEBUG off,
static files from the finders) and a certificate made for the test, and the
Observatory's own code (npm ``@mdn/mdn-http-observatory``, installed by ``make
setup`` in tools/observatory) scans the home page, a form, a member's page (as a
visitor and signed in) and a 404. tools/observatory/scan.mjs says why it calls
the scanner's retriever, tests and grader instead of its command line (which
scans only a host's front page on port 443 and refuses a 404).

The plain-HTTP port is left closed: in production Caddy answers it with a
redirect to HTTPS, and a closed port scores the same as a correct redirect (0).
"""

import contextlib
import json
import os
import ssl
import subprocess
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from lef import settings as production
from members.models import Profile
from tests.factories import MemberFactory
from tests.test_processes import BIN, ROOT, WAIT, database_url, free_port, wait_for

pytestmark = pytest.mark.django_db(transaction=True)  # gunicorn sees committed rows only

SCANNER = ROOT / "tools" / "observatory" / "scan.mjs"
A_PLUS = 100


def _certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for localhost, which the scanner is told to trust."""
    cert, key = folder / "localhost.pem", folder / "localhost-key.pem"
    subprocess.run(  # noqa: S603 (openssl with our own arguments)
        [  # noqa: S607 (openssl from PATH)
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-days", "1", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def _up(url: str, cert: Path) -> bool:
    try:
        context = ssl.create_default_context(cafile=cert)
        with urllib.request.urlopen(url, timeout=2, context=context) as response:  # noqa: S310
            return response.status == 200
    except OSError:
        return False


def _report(page: dict) -> str:
    lines = [
        f"{page['path']}: {page.get('score')} ({page.get('grade')}), HTTP {page.get('status')}"
    ]
    if "error" in page:
        lines.append(f"  error: {page['error']}")
    for name, test in page.get("tests", {}).items():
        mark = "pass" if test["pass"] else "FAIL"
        lines.append(f"  {mark} {name}: {test['result']} ({test['scoreModifier']:+d})")
        if test.get("data"):
            lines.append(f"       {json.dumps(test['data'])}")
    return "\n".join(lines)


@contextlib.contextmanager
def production_site(folder: Path):
    """gunicorn over TLS on loopback with the production settings; gives its port and certificate.

    The site is https://localhost:<port>/, on this test run's database, with the
    test process's SECRET_KEY (so sessions made in the test are valid there).
    """
    cert, key = _certificate(folder)
    port = free_port()
    env = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "tests.lef.observatory_settings",
        "DEBUG": "0",
        "SECRET_KEY": settings.SECRET_KEY,
        "DATABASE_URL": database_url(),
        "ALLOWED_HOSTS": "localhost",
        "MEDIA_ROOT": str(folder / "media"),
        "STATIC_ROOT": str(folder / "static"),
        "DB_POOL_MAX_SIZE": "2",
    }
    command = [
        BIN / "gunicorn", "lef.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1",
        "--certfile", cert, "--keyfile", key,
    ]  # fmt: skip
    log = folder / "gunicorn.log"
    with log.open("wb") as output:
        web = subprocess.Popen(  # noqa: S603 (our own gunicorn)
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        wait_for(lambda: _up(f"https://localhost:{port}/healthz", cert), "gunicorn over TLS")
        yield port, cert
    finally:
        web.terminate()
        web.wait(timeout=WAIT)


def test_pages_score_a_plus_on_the_observatory(tmp_path):
    if not (SCANNER.parent / "node_modules" / "@mdn" / "mdn-http-observatory").exists():
        pytest.fail("The Observatory scanner is not installed: run `make setup`.", pytrace=False)
    member = MemberFactory(profile__visibility=Profile.Visibility.PUBLIC)
    visitor = Client()
    visitor.force_login(MemberFactory())
    session_key = visitor.session.session_key
    profile = f"/members/{member.username}/"
    session_cookie = production.SESSION_COOKIE_NAME

    with production_site(tmp_path) as (port, cert):
        request = {
            "host": "localhost",
            "httpsPort": port,
            "httpPort": free_port(),  # closed; see the module's docstring
            "pages": [
                {"path": "/"},
                {"path": "/accounts/login/"},
                {"path": profile},
                {"path": profile, "headers": [f"Cookie: {session_cookie}={session_key}"]},
                {"path": "/this-page-does-not-exist/"},
            ],
        }
        scan = subprocess.run(  # noqa: S603 (node with our own script)
            ["node", SCANNER, json.dumps(request)],  # noqa: S607 (node from PATH, as make setup)
            env={"PATH": os.environ["PATH"], "NODE_EXTRA_CA_CERTS": str(cert)},
            capture_output=True,
            text=True,
            timeout=WAIT * 2,
            check=False,
        )
    assert scan.returncode == 0, scan.stderr + (tmp_path / "gunicorn.log").read_text()
    pages = json.loads(scan.stdout)
    report = "\n".join(_report(page) for page in pages)
    print(report)  # noqa: T201 (shown with -s, and on failure)

    assert [page.get("status") for page in pages] == [200, 200, 200, 200, 404], report
    assert all(page["verified"] for page in pages), report  # HSTS counts over verified TLS
    assert [page["score"] >= A_PLUS for page in pages] == [True] * len(pages), report
    # The login form sets the CSRF cookie, as __Host-, and the scanner checked its flags.
    assert "__Host-csrftoken" in pages[1]["tests"]["cookies"]["data"], report
    # The fourth scan was signed in: its page is the member's own (lef.middleware).
    assert "private" in pages[3]["headers"]["cache-control"], report
    assert "private" not in pages[2]["headers"].get("cache-control", ""), report
