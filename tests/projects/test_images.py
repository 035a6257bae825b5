"""Project and update images, stored through lef.images by projects/services.py.

Real PNG and JPEG files through Pillow; the files are written only once the
service's transaction commits, and the files a project stopped naming are
deleted once that commits.
"""

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.db import transaction

from lef.images import sweep_orphan_images
from projects import services
from projects.models import PROJECT_IMAGES, Project, ProjectUpdate
from projects.services import ProjectDetails, ProjectNotAllowed
from tests.members.factories_avatars import decode, png_upload, stored_files
from tests.projects.factories import MemberFactory, ProjectFactory, add_member

pytestmark = pytest.mark.django_db


class LaterStepError(Exception):
    """Something after the service, in the same transaction, went wrong."""


def image(color=(30, 140, 60)):
    return PROJECT_IMAGES.clean(png_upload(size=(1600, 900), color=color, name="klas.png"))


def files_of(stem: str) -> list[str]:
    return [f"{stem}-480.webp", f"{stem}-960.webp"]


def details_of(project: Project) -> ProjectDetails:
    return ProjectDetails(**{name: getattr(project, name) for name in ProjectDetails.names()})


def test_start_project_stores_the_image_after_the_commit(django_capture_on_commit_callbacks):
    lead = MemberFactory()
    project = ProjectFactory(lead=lead)
    details = details_of(project)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        started = services.start_project(by=lead, details=details, image=image())
        assert stored_files("projects") == []

    for callback in callbacks:
        callback()
    started.refresh_from_db()
    assert stored_files("projects") == files_of(started.image)
    with default_storage.open(f"{started.image}-960.webp") as stored:
        assert decode(stored.read()).size == (960, 540)


def test_update_project_with_a_new_image_deletes_the_old_files_after_the_commit(
    django_capture_on_commit_callbacks,
):
    project = ProjectFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.update_project(
            project=project, by=project.created_by, details=details_of(project), image=image()
        )
    first = Project.objects.get(pk=project.pk).image
    assert first

    with django_capture_on_commit_callbacks(execute=True):
        services.update_project(
            project=project,
            by=project.created_by,
            details=details_of(project),
            image=image(color=(200, 0, 0)),
        )

    project.refresh_from_db()
    assert project.image not in {"", first}
    assert stored_files("projects") == files_of(project.image)


def test_update_project_without_an_image_keeps_it(django_capture_on_commit_callbacks):
    project = ProjectFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.update_project(
            project=project, by=project.created_by, details=details_of(project), image=image()
        )
    stem = Project.objects.get(pk=project.pk).image
    assert stem

    with django_capture_on_commit_callbacks(execute=True):
        services.update_project(
            project=project, by=project.created_by, details=details_of(project)
        )

    assert Project.objects.get(pk=project.pk).image == stem
    assert stored_files("projects") == files_of(stem)


def test_update_project_removing_the_image_deletes_its_files(django_capture_on_commit_callbacks):
    project = ProjectFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.update_project(
            project=project, by=project.created_by, details=details_of(project), image=image()
        )

    with django_capture_on_commit_callbacks(execute=True):
        services.update_project(
            project=project,
            by=project.created_by,
            details=details_of(project),
            remove_image=True,
        )

    assert Project.objects.get(pk=project.pk).image == ""
    assert stored_files("projects") == []


@pytest.mark.django_db(transaction=True)
def test_update_project_rolled_back_writes_no_file_and_keeps_the_old_image():
    project = ProjectFactory()
    services.update_project(
        project=project, by=project.created_by, details=details_of(project), image=image()
    )
    first = Project.objects.get(pk=project.pk).image

    def update_then_fail():
        with transaction.atomic():
            services.update_project(
                project=Project.objects.get(pk=project.pk),
                by=project.created_by,
                details=details_of(project),
                image=image(color=(0, 0, 200)),
            )
            raise LaterStepError

    with pytest.raises(LaterStepError):
        update_then_fail()

    assert Project.objects.get(pk=project.pk).image == first
    assert stored_files("projects") == files_of(first)
    assert sweep_orphan_images(older_than=timedelta(0)) == 0


def test_update_project_refused_writes_no_file(django_capture_on_commit_callbacks):
    project = ProjectFactory()
    stranger = MemberFactory()

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ProjectNotAllowed),
    ):
        services.update_project(
            project=project, by=stranger, details=details_of(project), image=image()
        )

    assert Project.objects.get(pk=project.pk).image == ""
    assert stored_files("projects") == []


def test_post_update_stores_its_image_after_the_commit(django_capture_on_commit_callbacks):
    project = ProjectFactory()
    member = MemberFactory()
    add_member(project, member)

    with django_capture_on_commit_callbacks(execute=True):
        update = services.post_update(
            project=project, author=member, text="Eerste les!", image=image()
        )

    stem = ProjectUpdate.objects.get(pk=update.pk).image
    assert update.image == stem
    assert stored_files("projects") == files_of(stem)


def test_sweep_keeps_project_and_update_images_and_removes_an_orphan(
    django_capture_on_commit_callbacks,
):
    project = ProjectFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.update_project(
            project=project, by=project.created_by, details=details_of(project), image=image()
        )
        update = services.post_update(
            project=project, author=project.created_by, text="Les 1", image=image()
        )
    update.refresh_from_db()
    orphan = f"projects/ab/{'ab' * 16}-480.webp"
    default_storage.save(orphan, png_upload())

    assert sweep_orphan_images(older_than=timedelta(0)) == 1
    assert stored_files("projects") == sorted(
        [*files_of(Project.objects.get(pk=project.pk).image), *files_of(update.image)]
    )
