"""Two web processes on two ports, one database, one bucket, one Redis: one site.

Issue 17, point 2: the app runs on several machines by settings alone. This
module starts what a second machine would run, as processes on this one: an
S3-compatible server (moto in server mode), and two gunicorn processes with
the same environment (DEBUG off, ``AWS_STORAGE_BUCKET_NAME`` and
``AWS_S3_ENDPOINT_URL`` for uploads, ``REDIS_URL`` for the cache and rate
limits) against this test run's own database. The nodes share nothing else:
no folder, no memory. The tests then talk to them over HTTP, as browsers
behind a load balancer would, and check that it makes no difference which
node answers.

The nodes use ``lef.settings_test``: the production settings with DEBUG off,
except that static files come from the finders (no collectstatic in a test
run) and passwords are hashed quickly, as the test process hashes them.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from io import BytesIO
from itertools import cycle
from pathlib import Path
from types import SimpleNamespace

import boto3
import pytest
import redis
import requests
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone
from PIL import Image

from lef.images import sweep_orphan_images
from lef.ratelimit import RateLimit
from members.models import Profile
from spaces.models import Booking
from tests.factories import PASSWORD, MemberFactory
from tests.helpers import errors_of, run_at_once
from tests.spaces.factories import ResourceFactory

BASE_DIR = Path(__file__).resolve().parent.parent
BUCKET = "lef-media"
# A Redis database of this module's own (one per xdist worker), flushed when the
# nodes start.
REDIS_DB = 11
START_TIMEOUT = 60

pytestmark = [
    pytest.mark.django_db(transaction=True),  # the nodes see only committed rows
    pytest.mark.xdist_group("several-nodes"),  # one set of nodes for the module
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start(command: list[str], log: Path, **options) -> subprocess.Popen:
    """Start ``command`` with its output in ``log`` (a pipe nobody reads could fill up)."""
    with log.open("w") as output:
        return subprocess.Popen(  # noqa: S603 -- our own interpreter, gunicorn and moto
            command, stdout=output, stderr=subprocess.STDOUT, text=True, **options
        )


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited: {log.read_text()}")
        try:
            requests.get(url, timeout=10)
        except requests.RequestException:
            time.sleep(0.2)
        else:
            return
    raise RuntimeError(f"{url} did not answer within {START_TIMEOUT} s: {log.read_text()}")


def _stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown; moto stops on it too
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _bucket(endpoint: str):
    return boto3.resource(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    ).Bucket(BUCKET)


@pytest.fixture(scope="module")
def redis_url(worker_id) -> str:
    number = REDIS_DB + (int(worker_id[2:]) if worker_id.startswith("gw") else 0)
    url = f"redis://127.0.0.1:6379/{number}"
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url
    client.flushdb()
    client.close()


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker, tmp_path_factory, redis_url):
    """An S3 server and two gunicorn processes with the same environment, started at once.

    Gives the S3 endpoint and the two nodes' base URLs.
    """
    logs = tmp_path_factory.mktemp("several-nodes")
    with django_db_blocker.unblock():
        params = connection.get_connection_params()
    s3_port, *ports = _free_port(), _free_port(), _free_port()
    endpoint = f"http://127.0.0.1:{s3_port}"
    # libpq reads the server from PG* variables; DATABASE_URL names the database
    # (the embedded server listens on a socket folder, which a URL spells badly).
    environment = {
        **{name: value for name, value in os.environ.items() if not name.startswith("PG")},
        "DJANGO_SETTINGS_MODULE": "lef.settings_test",
        "DEBUG": "0",
        "DATABASE_URL": f"postgres:///{params['dbname']}",
        "PGHOST": str(params.get("host") or ""),
        "PGPORT": str(params.get("port") or "5432"),
        "PGUSER": str(params.get("user") or ""),
        "PGPASSWORD": str(params.get("password") or ""),
        "DB_POOL_MAX_SIZE": "6",
        "REDIS_URL": redis_url,
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }
    s3_log = logs / "moto.log"
    processes = [
        _start(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(s3_port)], s3_log
        )
    ]
    node_logs = [logs / f"node-{port}.log" for port in ports]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    processes += [
        _start(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "lef.wsgi:application",
                f"--bind=127.0.0.1:{port}",
                "--workers=2",
                "--worker-class=gthread",
                "--threads=4",
                "--timeout=60",
            ],
            log,
            cwd=BASE_DIR,
            env=environment,
        )
        for port, log in zip(ports, node_logs, strict=True)
    ]
    try:
        _wait_until_up(endpoint, processes[0], s3_log)
        _bucket(endpoint).create()
        for url, process, log in zip(urls, processes[1:], node_logs, strict=True):
            _wait_until_up(f"{url}/healthz", process, log)
        yield SimpleNamespace(s3=endpoint, nodes=urls)
    finally:
        for process in processes:
            _stop(process)


@pytest.fixture
def s3(site) -> str:
    return site.s3


@pytest.fixture
def nodes(site) -> list[str]:
    return site.nodes


def _browser() -> requests.Session:
    """One visitor behind the load balancer, which may send each request to either node.

    Cookies ignore the port, so both nodes get the visitor's cookies, and the
    Host is the site's one name whichever node answers, as a load balancer
    passes it on (allauth's login limit counts per site and address).
    """
    browser = requests.Session()
    browser.headers["Host"] = "localhost"
    browser.cookies.set(settings.LANGUAGE_COOKIE_NAME, "en")
    return browser


def _csrf_token(browser: requests.Session, url: str) -> str:
    page = browser.get(url, timeout=30)
    assert page.status_code == 200
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]


def _log_in(browser, node: str, email: str, password: str) -> requests.Response:
    token = _csrf_token(browser, f"{node}/accounts/login/")
    return browser.post(
        f"{node}/accounts/login/",
        {"csrfmiddlewaretoken": token, "login": email, "password": password},
        allow_redirects=False,
        timeout=30,
    )


def test_a_session_made_on_one_node_is_valid_on_the_other(nodes):
    one, other = nodes
    member = MemberFactory(name="Sanne de Vries", email="sanne@school.example")
    browser = _browser()

    logged_in = _log_in(browser, one, "sanne@school.example", PASSWORD)
    page = browser.get(f"{other}/members/me/edit/", allow_redirects=False, timeout=30)

    assert logged_in.status_code == 302
    assert page.status_code == 200
    assert 'value="Sanne de Vries"' in page.text
    # And a visitor without the cookie is sent to log in there.
    anonymous = _browser().get(f"{other}/members/me/edit/", allow_redirects=False, timeout=30)
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"].startswith("/accounts/login/")
    assert member.pk


def _png() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (300, 200), (0, 120, 80)).save(buffer, format="PNG")
    return buffer.getvalue()


def _save_profile(browser, node: str, member, token: str, *, avatar=None, **fields):
    """Post the profile form on ``node``: the member's own values, a new avatar or ``fields``."""
    return browser.post(
        f"{node}/members/me/edit/",
        data={
            "csrfmiddlewaretoken": token,
            "name": member.name,
            "username": member.username,
            "primary_sector": "vo",
            "roles": ["teacher"],
            "organisation": str(member.profile.organisation_id),
            "core_activities": ["teaching"],
            "visibility": "public",
            "notify_projects": "immediate",
            "notify_events": "daily",
            "notify_bookings": "off",
            "notify_messages": "daily",
            "language": "en",
            **fields,
        },
        files={"avatar": ("foto.png", avatar, "image/png")} if avatar else None,
        allow_redirects=False,
        timeout=30,
    )


def test_an_image_uploaded_through_one_node_is_served_by_the_other(nodes, s3):
    one, other = nodes
    member = MemberFactory(name="Sanne de Vries", username="sanne")
    browser = _browser()
    assert _log_in(browser, one, member.email, PASSWORD).status_code == 302
    token = _csrf_token(browser, f"{one}/members/me/edit/")

    saved = _save_profile(browser, one, member, token, avatar=_png())
    page = browser.get(f"{other}/members/sanne/", timeout=30)

    assert saved.status_code == 302, saved.text[:2000]
    stem = Profile.objects.get(user=member).avatar
    stored = sorted(item.key for item in _bucket(s3).objects.all())
    assert stored == [f"{stem}-{size}.webp" for size in (160, 400, 64)]
    # The other node's page shows the picture by the bucket's URL, signed.
    [src] = re.findall(
        rf'src="({re.escape(s3)}/{BUCKET}/{re.escape(stem)}-160\.webp[^"]*)"', page.text
    )
    picture = requests.get(src.replace("&amp;", "&"), timeout=30)
    assert picture.status_code == 200
    assert picture.content[:4] == b"RIFF"
    assert picture.content[8:12] == b"WEBP"
    assert "X-Amz-Signature=" in src
    # The page's policy lets the browser load it from there.
    assert s3 in page.headers["Content-Security-Policy"]


def test_a_login_rate_limit_holds_across_both_nodes(nodes):
    member = MemberFactory(email="sanne@school.example")
    browser = _browser()
    node = cycle(nodes)

    # allauth allows 5 failed logins per address in 5 minutes ("login_failed").
    attempts = [_log_in(browser, next(node), member.email, "wrong-password") for _ in range(6)]
    right_password = _log_in(browser, next(node), member.email, PASSWORD)

    assert [attempt.status_code for attempt in attempts[:5]] == [200] * 5
    assert all("not correct" in attempt.text for attempt in attempts[:5])
    assert "Too many failed login attempts" in attempts[5].text
    # Even the right password is refused now, on either node.
    assert right_password.status_code != 302
    assert "Too many failed login attempts" in right_password.text


def test_fifty_bookings_of_one_slot_spread_over_both_nodes_give_one_booking(nodes):
    desk = ResourceFactory(name="Flexplek Raam", slug="flexplek-raam")
    members = MemberFactory.create_batch(50)
    day = (timezone.localdate() + timedelta(days=1)).isoformat()
    csrf = "a" * 32  # a CSRF secret of the visitor's own, in its cookie and its form
    browsers = []
    for member in members:
        client = Client()
        client.force_login(member)  # a session row, as a login makes one
        browser = _browser()
        browser.cookies.set(
            settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value
        )
        browser.cookies.set(settings.CSRF_COOKIE_NAME, csrf)
        browsers.append(browser)
    form = {"csrfmiddlewaretoken": csrf, "day": day, "start_time": "10:00", "end_time": "11:00",
            "people": 1, "weeks": 1, "purpose": ""}  # fmt: skip

    def book(browser, node):
        return browser.post(
            f"{node}/spaces/{desk.slug}/book/", form, allow_redirects=False, timeout=60
        ).status_code

    outcomes = run_at_once(
        [
            lambda browser=browser, node=node: book(browser, node)
            for browser, node in zip(browsers, cycle(nodes), strict=False)
        ]
    )

    assert errors_of(outcomes) == []
    assert outcomes.count(302) == 1
    assert all(status in {302, 409} for status in outcomes), outcomes
    assert Booking.objects.filter(resource=desk).count() == 1


def test_rate_limit_counts_every_concurrent_hit_on_redis(settings, redis_url):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
        }
    }
    limit = RateLimit("several-nodes", limit=100, window=60)

    counts = run_at_once([lambda: limit.hit("sanne") for _ in range(20)])
    ttl = redis.Redis.from_url(redis_url).ttl(":1:ratelimit:several-nodes:sanne")

    assert sorted(counts) == list(range(1, 21))
    assert limit.count("sanne") == 20
    assert 0 < ttl <= 60  # the window ends: never a counter without expiry


def test_image_files_in_the_bucket_are_swept_and_deleted_as_on_disk(nodes, s3, settings):
    one, other = nodes
    member = MemberFactory(name="Sanne de Vries", username="sanne")
    browser = _browser()
    assert _log_in(browser, one, member.email, PASSWORD).status_code == 302
    token = _csrf_token(browser, f"{one}/members/me/edit/")
    assert _save_profile(browser, one, member, token, avatar=_png()).status_code == 302
    stem = Profile.objects.get(user=member).avatar
    bucket = _bucket(s3)
    orphan = "avatars/ab/ab" + "0" * 30 + "-64.webp"  # a crash between writing and pointing
    bucket.put_object(Key=orphan, Body=b"RIFF")
    settings.STORAGES = {**settings.STORAGES, "default": _node_storage(s3)}

    swept = sweep_orphan_images(older_than=timedelta(0))
    kept = sorted(item.key for item in bucket.objects.all())
    removed = _save_profile(browser, other, member, token, remove_avatar="on")

    assert swept >= 1  # the orphan (and what earlier tests' rows no longer name)
    assert kept == [f"{stem}-{size}.webp" for size in (160, 400, 64)]
    assert removed.status_code == 302
    assert Profile.objects.get(user=member).avatar == ""
    assert list(bucket.objects.all()) == []  # deleted from the bucket after the commit


def _node_storage(endpoint: str) -> dict:
    """The storage the nodes' settings make of their environment, for this process."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": BUCKET,
            "endpoint_url": endpoint,
            "region_name": "us-east-1",
            "access_key": "testing",
            "secret_key": "testing",
            "signature_version": "s3v4",
            "file_overwrite": False,
        },
    }
