"""The load: visitors browsing, members searching, signing up, booking and joining, and
coordinators at the door. Run by ``python -m loadtest`` (``locust --headless``).

Requests are named per page ("/events/[slug]/"), so figures group by page. The
traffic arrives as it would through the TLS proxy in front of the site
(docs/deploy.md): ``X-Forwarded-Proto: https`` and a client address of its own
per user in ``X-Forwarded-For`` (TRUSTED_PROXY_COUNT=1), so the production
settings hold unchanged (secure cookies, CSRF origin checks, per-address login
limits). Members and coordinators log in through the real login form, CSRF
token included; coordinators type the app code of their second factor.

Every request is written down (time, page, status, milliseconds, whether a 503
was the friendly page), and so is what the load users were told: each sign-up,
booking and team place confirmed to them and each one they cancelled. The
runner computes its table and checks from these (LOADTEST_RECORD).
"""

import base64
import hashlib
import hmac
import itertools
import json
import os
import random
import re
import struct
import time
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path
from urllib.parse import urlsplit

from locust import HttpUser, between, events, task

PLAN = json.loads(Path(os.environ["LOADTEST_PLAN"]).read_text())
RECORD = Path(os.environ["LOADTEST_RECORD"])
FLOOR = "/__bench__/floor/"
FRIENDLY_503 = "The site is unavailable for a moment"

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
BOOKING_CANCEL = re.compile(r'href="/spaces/bookings/(\d+)/cancel/')
DOOR_TOGGLE = re.compile(r'action="/events/[\w-]+/check-in/(\d+)/"')

requests_seen: list[tuple] = []
# What the load users were told, in order: [time, what, email, key...]. ``what``:
# "signed_up" ("You are signed up."), "left_meetup", "booked" (key: desk, day,
# start, end), "cancelled_booking" (key: the booking's id), "joined" ("Welcome to
# the team!"), "left_team"; and "unsure_<what>": the action was answered with an
# error (a 503 while the database was down), so whether it happened is unknown.
told: list[list] = []
_members = itertools.count()
_coordinators = itertools.count()
_addresses = itertools.count(1)


@events.request.add_listener
def _write_down(name, response_time, response, start_time=None, request_type="", **_kwargs):
    status = getattr(response, "status_code", 0) or 0
    friendly = status == 503 and FRIENDLY_503 in (getattr(response, "text", "") or "")
    requests_seen.append(
        (start_time or time.time(), request_type, name, status, response_time, friendly)
    )


@events.quitting.add_listener
def _save(**_kwargs):
    RECORD.write_text(json.dumps({"requests": requests_seen, "told": told}))


def tell(what: str, email: str, *key) -> None:
    told.append([time.time(), what, email, *key])


def _send_secure_cookies_over_http(self, cookie, request) -> bool:
    return True


# TLS ends at the (here imagined) proxy in front of the site, so the site's Secure
# cookies travel over plain http from here. requests copies the session's cookies
# into a new jar (with the default policy) for every request and redirect, so the
# default policy itself must allow it: in this load tool's process only.
DefaultCookiePolicy.return_ok_secure = _send_secure_cookies_over_http


def totp(secret: str, at: float | None = None) -> str:
    """RFC 6238 (SHA-1, 30 s, 6 digits), as allauth's app codes."""
    counter = int((at or time.time()) // 30)
    digest = hmac.new(
        base64.b32decode(secret, casefold=True), struct.pack(">Q", counter), hashlib.sha1
    ).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


# Where a POST's redirect leads, named as the pages are named.
PAGE_NAMES = [
    (re.compile(r"^/$"), "/ (member)"),
    (re.compile(r"^/events/[\w-]+/check-in/$"), "/events/[slug]/check-in/"),
    (re.compile(r"^/events/[\w-]+/$"), "/events/[slug]/"),
    (re.compile(r"^/projects/[\w-]+/$"), "/projects/[slug]/"),
]


def page_name(path: str) -> str:
    return next((name for pattern, name in PAGE_NAMES if pattern.match(path)), path)


class Person(HttpUser):
    abstract = True
    wait_time = between(0.5, 2.0)

    def on_start(self):
        number = next(_addresses)
        self.origin = self.host.replace("http://", "https://")
        self.client.headers.update(
            {
                "Accept-Language": "en",
                "X-Forwarded-Proto": "https",
                "X-Forwarded-For": f"10.{number >> 16 & 255}.{number >> 8 & 255}.{number & 255}",
            }
        )
        self.csrf = ""

    # -- requests -----------------------------------------------------------------

    def page(self, path: str, name: str):
        response = self.client.get(path, name=name)
        self._remember_csrf(response)
        return response

    def post(self, path: str, name: str, data: dict, *, refusals=(400, 403, 409)):
        """POST with the CSRF token and the origin a browser sends; refusals are answers.

        The POST is timed on its own; the page its redirect leads to is a request
        of its own, named as that page (a browser makes two requests too). The
        answer returned is that page, which shows the message, or the refusal.
        """
        with self.client.post(
            path,
            name=name,
            data={"csrfmiddlewaretoken": self.csrf, **data},
            headers={"Origin": self.origin, "Referer": self.origin + path},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code in refusals or response.is_redirect:
                response.success()
            self._remember_csrf(response)
        if response.is_redirect:
            location = urlsplit(response.headers["Location"])
            target = location.path + (f"?{location.query}" if location.query else "")
            return self.page(target, page_name(location.path))
        return response

    def _remember_csrf(self, response) -> None:
        found = CSRF.search(response.text or "")
        if found:
            self.csrf = found.group(1)

    def signed_in(self) -> bool:
        """Whether this user is signed in; if not (its login met the restart), log in now."""
        if not self.logged_in:
            self.logged_in = self.log_in(**self.account)
        return self.logged_in

    def log_in(self, email: str, password: str, totp_secret: str | None = None) -> bool:
        self.page("/accounts/login/", "/accounts/login/")
        response = self.post(
            "/accounts/login/", "/accounts/login/ (POST)", {"login": email, "password": password}
        )
        if "/2fa/authenticate/" in response.url:
            if not totp_secret:
                response.failure("asked for a second factor without a secret")
                return False
            response = self.post(
                "/accounts/2fa/authenticate/",
                "/accounts/2fa/authenticate/ (POST)",
                {"code": totp(totp_secret)},
            )
        return response.status_code == 200 and "/accounts/login/" not in response.url


class Visitor(Person):
    """Someone curious, not signed in: the home page, meetups, projects, people."""

    weight = 4

    @task(3)
    def home(self):
        self.page("/", "/ (visitor)")

    @task(2)
    def floor(self):
        self.page(FLOOR, "floor (visitor)")

    @task(3)
    def meetups(self):
        self.page("/events/", "/events/ (visitor)")

    @task(3)
    def meetup(self):
        self.page(f"/events/{random.choice(PLAN['browse_meetups'])}/", "/events/[slug]/ (visitor)")

    @task(2)
    def projects(self):
        self.page("/projects/", "/projects/ (visitor)")

    @task(2)
    def project(self):
        slug = random.choice(PLAN["browse_projects"])
        self.page(f"/projects/{slug}/", "/projects/[slug]/ (visitor)")

    @task(1)
    def directory(self):
        self.page("/members/", "/members/ (visitor)")


class Member(Person):
    """A signed-in teacher: Mijn LEF, search, meetups, desks, projects."""

    weight = 5

    def on_start(self):
        super().on_start()
        self.account = PLAN["members"][next(_members) % len(PLAN["members"])]
        self.email = self.account["email"]
        self.signed_up: set[str] = set()
        self.teams: set[str] = set()
        self.logged_in = False
        self.signed_in()

    @task(3)
    def home(self):
        self.page("/", "/ (member)")

    @task(3)
    def floor(self):
        self.page(FLOOR, "floor")

    @task(4)
    def search(self):
        word = random.choice(PLAN["search_words"])
        self.page(f"/members/?q={word}", "/members/?q=[word]")

    @task(1)
    def directory(self):
        self.page("/members/", "/members/")

    @task(1)
    def profile(self):
        self.page(f"/members/{random.choice(PLAN['profiles'])}/", "/members/[username]/")

    @task(2)
    def meetups(self):
        self.page("/events/", "/events/")

    @task(2)
    def meetup(self):
        self.page(f"/events/{random.choice(PLAN['browse_meetups'])}/", "/events/[slug]/")

    @task(3)
    def sign_up_or_cancel(self):
        if not self.signed_in():
            return
        slug = random.choice(PLAN["signup_meetups"])
        self.page(f"/events/{slug}/", "/events/[slug]/")
        if slug in self.signed_up:
            response = self.post(f"/events/{slug}/cancel/", "/events/[slug]/cancel/", {})
            if (
                "You are no longer signed up" in response.text
                or "left the waiting" in response.text
            ):
                self.signed_up.discard(slug)
                tell("left_meetup", self.email, slug)
            elif response.status_code >= 500:
                tell("unsure_left_meetup", self.email, slug)
            return
        response = self.post(f"/events/{slug}/register/", "/events/[slug]/register/", {"note": ""})
        if "You are signed up." in response.text:
            self.signed_up.add(slug)
            tell("signed_up", self.email, slug)
        elif (
            "You are on the waiting list." in response.text or "already signed up" in response.text
        ):
            self.signed_up.add(slug)

    @task(1)
    def spaces(self):
        self.page("/spaces/", "/spaces/")

    @task(3)
    def book_desk(self):
        if not self.signed_in():
            return
        desk = random.choice(PLAN["desks"])
        day = random.choice(PLAN["days"][: max(1, desk["max_days_ahead"] * 5 // 7 - 2)])
        hour = random.randint(8, 18)
        start, end = f"{hour:02d}:00", f"{hour + 1:02d}:00"
        path = f"/spaces/{desk['slug']}/book/"
        query = f"?day={day}&start_time={start}&end_time={end}"
        self.page(path + query, "/spaces/[slug]/book/")
        response = self.post(
            path,
            "/spaces/[slug]/book/ (POST)",
            {
                "day": day,
                "start_time": start,
                "end_time": end,
                "fold": "0",
                "people": "1",
                "purpose": "",
                "weeks": "1",
            },
        )
        if "Booked: " in response.text and "/spaces/bookings/" in response.url:
            tell("booked", self.email, desk["slug"], day, start, end)

    @task(2)
    def my_bookings(self):
        if not self.signed_in():
            return
        response = self.page("/spaces/bookings/", "/spaces/bookings/")
        ids = BOOKING_CANCEL.findall(response.text or "")
        if not ids or random.random() < 0.5:
            return
        booking = random.choice(ids)
        path = f"/spaces/bookings/{booking}/cancel/"
        self.page(path, "/spaces/bookings/[id]/cancel/")
        response = self.post(
            path, "/spaces/bookings/[id]/cancel/ (POST)", {"confirm": "yes", "scope": "one"}
        )
        if "Your booking is cancelled" in response.text:
            tell("cancelled_booking", self.email, int(booking))
        elif response.status_code >= 500:
            tell("unsure_cancelled_booking", self.email, int(booking))

    @task(2)
    def projects(self):
        self.page("/projects/", "/projects/")

    @task(2)
    def project(self):
        self.page(f"/projects/{random.choice(PLAN['browse_projects'])}/", "/projects/[slug]/")

    @task(2)
    def join_or_leave(self):
        if not self.signed_in():
            return
        slug = random.choice(PLAN["join_projects"])
        self.page(f"/projects/{slug}/", "/projects/[slug]/")
        if slug in self.teams:
            self.page(f"/projects/{slug}/leave/", "/projects/[slug]/leave/")
            response = self.post(f"/projects/{slug}/leave/", "/projects/[slug]/leave/ (POST)", {})
            if "You have left the team" in response.text:
                self.teams.discard(slug)
                tell("left_team", self.email, slug)
            elif response.status_code >= 500:
                tell("unsure_left_team", self.email, slug)
            return
        response = self.post(
            f"/projects/{slug}/join/", "/projects/[slug]/join/", {"motivation": ""}
        )
        if "Welcome to the team!" in response.text:
            self.teams.add(slug)
            tell("joined", self.email, slug)
        elif "already on this team" in response.text:
            self.teams.add(slug)


class Coordinator(Person):
    """A coordinator at the door of the big meetup: the list, a search, check in and undo."""

    fixed_count = len(PLAN["coordinators"])
    wait_time = between(1.0, 3.0)

    def on_start(self):
        super().on_start()
        self.account = PLAN["coordinators"][next(_coordinators) % len(PLAN["coordinators"])]
        self.door = f"/events/{PLAN['door_meetup']}/check-in/"
        self.logged_in = False
        self.signed_in()

    @task(3)
    def door_list(self):
        if not self.signed_in():
            return
        self.page(self.door, "/events/[slug]/check-in/")

    @task(1)
    def door_search(self):
        self.page(self.door + f"?q={random.choice('aeiklmnorst')}", "/events/[slug]/check-in/?q=")

    @task(3)
    def check_in(self):
        if not self.signed_in():
            return
        response = self.page(self.door, "/events/[slug]/check-in/")
        ids = DOOR_TOGGLE.findall(response.text or "")
        if not ids:
            return
        self.post(
            f"{self.door}{random.choice(ids)}/",
            "/events/[slug]/check-in/[id]/",
            {"action": random.choice(["in", "in", "undo"])},
        )
