"""Results under concurrent requests: threads on their own connections, released together."""

import pytest

from knowledge import services
from knowledge.models import Result, ResultReport
from knowledge.services import AlreadyDone
from tests.helpers import run_at_once
from tests.knowledge.factories import publish
from tests.projects.factories import MemberFactory, ProjectFactory

pytestmark = pytest.mark.django_db(transaction=True)

ATTEMPTS = range(3)
DOWNLOADERS = 8


@pytest.mark.parametrize("attempt", ATTEMPTS)
def test_downloads_at_once_are_all_counted(attempt):
    project = ProjectFactory()
    result = publish(project, project.created_by)

    outcomes = run_at_once(
        [lambda: services.count_download(result=result) for _ in range(DOWNLOADERS)]
    )

    assert outcomes == [None] * DOWNLOADERS
    assert Result.objects.get(pk=result.pk).downloads == DOWNLOADERS


@pytest.mark.parametrize("attempt", ATTEMPTS)
def test_reporting_twice_at_once_makes_one_report(attempt):
    project = ProjectFactory()
    result = publish(project, project.created_by)
    reporter = MemberFactory()

    outcomes = run_at_once(
        [
            lambda: services.report_result(result=result, by=reporter, reason="Klopt niet."),
            lambda: services.report_result(result=result, by=reporter, reason="Klopt niet."),
        ]
    )

    names = sorted(type(outcome).__name__ for outcome in outcomes)
    assert names == sorted(["ResultReport", AlreadyDone.__name__])
    assert ResultReport.objects.filter(result=result).count() == 1
