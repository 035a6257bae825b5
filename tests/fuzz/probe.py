"""Send a request and judge it: never a 500, and a refusal writes nothing.

:func:`snapshot` is a fingerprint of every table (an md5 of its rows), taken in
one query: the test world is small, so this is cheaper than it sounds, and it
sees any write, not only new rows. Sessions and the cache (rate limits) are
left out: a failed login may count an attempt, and that is not a partial write.
"""

import traceback
from contextlib import contextmanager
from dataclasses import dataclass

from django.apps import apps
from django.core.signals import got_request_exception
from django.db import connection, transaction
from django.forms import BaseForm, BaseFormSet
from django.test import Client, TestCase

from tests.fuzz.html_forms import form_for

NOT_WATCHED = {"django_session"}


def _tables() -> list[str]:
    tables = {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }
    existing = set(connection.introspection.table_names())
    return sorted((tables & existing) - NOT_WATCHED)


_SQL: list[str] = []


def _fingerprint(table: str) -> str:
    """One table's rows as an md5; the name comes from the models and is quoted."""
    name = connection.ops.quote_name(table)
    rows = "md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"
    return f"SELECT '{table}', {rows} FROM {name} t"  # noqa: S608


def snapshot() -> dict[str, str]:
    """{table: md5 of all its rows} for every table of every app, in one query."""
    if not _SQL:
        _SQL.append(" UNION ALL ".join(_fingerprint(table) for table in _tables()))
    with connection.cursor() as cursor:
        cursor.execute(_SQL[0])
        return dict(cursor.fetchall())


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(table for table in before if before[table] != after.get(table))


def client_for(user) -> Client:
    client = Client(raise_request_exception=False, headers={"accept-language": "en"})
    if user is not None:
        client.force_login(user)
    return client


@dataclass
class Outcome:
    status: int
    error: str | None  # a traceback, when the request raised
    refused: bool  # 4xx, or a form shown again with its errors
    location: str
    response: object


@contextmanager
def _exceptions():
    caught: list[str] = []

    def record(sender, request=None, **kwargs):
        caught.append(traceback.format_exc())

    got_request_exception.connect(record)
    try:
        yield caught
    finally:
        got_request_exception.disconnect(record)


def _has_form_errors(response) -> bool:
    for context in response.context or []:
        for value in context.flatten().values():
            if isinstance(value, BaseForm) and value._errors:
                return True
            if isinstance(value, BaseFormSet) and value.is_bound and value.total_error_count():
                return True
        # The admin's change form: its errors as one list.
        if context.get("errors"):
            return True
    return False


def send(client: Client, method: str, path: str, data=None) -> Outcome:
    """One request, its mail and other after-commit work run as the commit would."""
    error = None
    with _exceptions() as caught:
        try:
            with TestCase.captureOnCommitCallbacks(execute=True):
                response = getattr(client, method)(path, data or {})
        except Exception:
            error = traceback.format_exc()
            response = None
    if caught:
        error = caught[0]
    status = response.status_code if response is not None else 500
    refused = status >= 400 or (status == 200 and method == "post" and _has_form_errors(response))
    location = response.get("Location", "") if response is not None else ""
    return Outcome(status, error, refused, location, response)


@contextmanager
def rolled_back():
    """Whatever happens inside is undone (a savepoint in the test's transaction)."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def page_form(client, entry, world):
    """The path to POST to, the form to fill in there (or None) and the status of its page.

    The page is followed through redirects: allauth's password reset link, say,
    moves its key into the session and shows the form at an address of its own.
    """
    path = entry.path(world)
    if entry.opener is not None:
        response = client.post(path, entry.opener(world))
        page = path
    else:
        response = client.get(entry.page(world) if entry.page else path, follow=True)
        page = response.request["PATH_INFO"]
    html = "" if response.streaming or response.status_code != 200 else response.content.decode()
    form = form_for(html, page, path)
    if form is None and entry.moves:
        form = form_for(html, page, page)
        path = page if form is not None else path
    return path, form, response.status_code
