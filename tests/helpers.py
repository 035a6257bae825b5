"""Helpers every app's tests share: the permission matrix and query counts.

The permission matrix (STYLE.md: every URL x every kind of viewer)::

    CASES = [
        Case("project list", "/projects/", everyone(200, VIEWERS)),
        Case("new project", "/projects/new/", {**everyone(200, VIEWERS),
             "anonymous": to_login("/projects/new/")}),
    ]

    @pytest.mark.parametrize("viewer", VIEWERS)
    @pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
    def test_permission_matrix(client, world, case, viewer):
        check_case(client, world.users[viewer], case, viewer)

Query counts: :func:`queries_of` runs a request and says how many SQL
statements it took, for "the same for 1 and 3 rows" assertions.
"""

import threading
from dataclasses import dataclass, field
from urllib.parse import quote

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse


class Redirect:
    """A 301/302 to ``target`` (a path; a prefix when it ends with ``*``)."""

    def __init__(self, target: str, status: int = 302):
        self.target, self.status = target, status

    def matches(self, response) -> bool:
        location = response.get("Location", "")
        if self.target.endswith("*"):
            return location.startswith(self.target[:-1])
        return location == self.target

    def __repr__(self):
        return f"{self.status} → {self.target}"


def to_login(path: str) -> Redirect:
    """The redirect a visitor gets at a page that needs a login."""
    return Redirect(f"{reverse('account_login')}?next={quote(path)}")


def to_onboarding() -> Redirect:
    """The redirect a member who has not done the first profile step gets."""
    return Redirect(f"{reverse('members:onboarding')}?next=*")


def everyone(expected, viewers) -> dict:
    return dict.fromkeys(viewers, expected)


@dataclass
class Case:
    name: str
    path: str
    expect: dict
    method: str = "get"
    data: dict = field(default_factory=dict)


def check_case(client, user, case: Case, viewer: str) -> None:
    """Request ``case`` as ``user`` (None: a visitor) and assert the expected outcome."""
    if user is not None:
        client.force_login(user)
    response = getattr(client, case.method)(case.path, case.data)
    expected = case.expect[viewer]
    if isinstance(expected, Redirect):
        location = response.get("Location")
        assert (response.status_code, expected.matches(response)) == (expected.status, True), (
            f"{case.name} as {viewer}: {response.status_code} → {location}, expected {expected!r}"
        )
    else:
        assert response.status_code == expected, (
            f"{case.name} as {viewer}: {response.status_code}, expected {expected}"
        )


def queries_of(client, path: str, **params) -> tuple[int, object]:
    """(number of SQL statements, response) of one GET of ``path``."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params)
    return len(queries.captured_queries), response


# Races -------------------------------------------------------------------------------


def run_at_once(functions, *, timeout: float = 60) -> list:
    """Run each function in its own thread and database connection, released together.

    Returns, in the order of ``functions``, what each returned or the exception
    it raised (a thread that failed its barrier gives BrokenBarrierError), so a
    race test asserts the exact outcome::

        outcomes = run_at_once([lambda m=m: book(member=m) for m in members])
        assert sum(isinstance(o, Booking) for o in outcomes) == 1
    """
    barrier = threading.Barrier(len(functions))
    outcomes: list = [None] * len(functions)

    def run(index, function):
        try:
            barrier.wait(timeout=timeout)
            outcomes[index] = function()
        except Exception as error:  # reported to the test, whatever it is
            outcomes[index] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(index, function))
        for index, function in enumerate(functions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), "a thread did not finish"
    return outcomes


def errors_of(outcomes: list) -> list[Exception]:
    """The exceptions among :func:`run_at_once`'s outcomes."""
    return [outcome for outcome in outcomes if isinstance(outcome, Exception)]
