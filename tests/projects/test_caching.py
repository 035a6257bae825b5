"""The cached parts of the project pages never show stale data, whatever writes it.

The database raises a project's revision and the list's generation itself
(migration 0003): a service, the admin, ``update()`` and raw SQL all count.
"""

import pytest
from django.db import connection, transaction

from members.models import Profile, User
from projects import services
from projects.caching import list_generation
from projects.models import Membership, Project, ProjectUpdate
from projects.queries import cached_projects_for
from tests.projects.factories import MemberFactory, ProjectFactory, add_member, post


def _revision(project) -> int:
    return Project.objects.values_list("revision", flat=True).get(pk=project.pk)


def _raw_sql(project, **_people):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE projects_project SET summary = 'x' WHERE id = %s", [project.pk])


def _save(project, **_people):
    project.title = "Nieuw"
    project.save()


# Each a write that changes what a project's page or card shows.
CHANGES = {
    "save": _save,
    "update": lambda project, **_: Project.objects.filter(pk=project.pk).update(status="running"),
    "raw sql": _raw_sql,
    "join": lambda project, **_: add_member(project, MemberFactory()),
    "membership update": lambda project, membership, **_: Membership.objects.filter(
        pk=membership.pk
    ).update(role="lead"),
    "membership delete": lambda project, membership, **_: Membership.objects.filter(
        pk=membership.pk
    ).delete(),
    "post": lambda project, member, **_: post(project, member),
    "hide": lambda project, update, **_: ProjectUpdate.objects.filter(pk=update.pk).update(
        is_hidden=True
    ),
    "team member renamed": lambda member, **_: User.objects.filter(pk=member.pk).update(
        name="Andere Naam"
    ),
    "team member's photo": lambda member, **_: Profile.objects.filter(pk=member.pk).update(
        avatar="avatars/ab/" + "a" * 32
    ),
    "team member's visibility": lambda member, **_: Profile.objects.filter(pk=member.pk).update(
        visibility="public"
    ),
    "team member deactivated": lambda member, **_: User.objects.filter(pk=member.pk).update(
        is_active=False
    ),
    "author renamed": lambda author, **_: User.objects.filter(pk=author.pk).update(
        name="Andere Auteur"
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("change", CHANGES)
def test_every_write_raises_the_projects_revision(change):
    project = ProjectFactory()
    member = MemberFactory()
    membership = add_member(project, member)
    author = MemberFactory()
    update = post(project, author)
    before = _revision(project)

    CHANGES[change](
        project=project, member=member, membership=membership, author=author, update=update
    )

    assert _revision(project) > before


@pytest.mark.django_db
def test_what_the_page_does_not_show_of_a_team_member_leaves_the_project_alone():
    project = ProjectFactory()
    member = MemberFactory()
    add_member(project, member)
    before = _revision(project)

    Profile.objects.filter(pk=member.pk).update(job_title="Docent", bio="Nieuw", expertise=["x"])

    assert _revision(project) == before


@pytest.mark.django_db
def test_a_profile_change_of_someone_elsewhere_leaves_the_project_alone():
    project = ProjectFactory()
    outsider = MemberFactory()
    before = _revision(project)

    Profile.objects.filter(pk=outsider.pk).update(job_title="Docent")

    assert _revision(project) == before


@pytest.mark.django_db
def test_changing_text_keeps_the_search_vector_in_step_and_a_touch_keeps_it():
    project = ProjectFactory(title="Een project", summary="Iets over rekenen.", tags=[])
    Project.objects.filter(pk=project.pk).update(summary="Iets over burgerschap.")
    add_member(project, MemberFactory())  # touches the row: the vector stays

    found = Project.objects.filter(search_vector="burgerschap").values_list("pk", flat=True)
    gone = Project.objects.filter(search_vector="rekenen").values_list("pk", flat=True)
    assert (list(found), list(gone)) == ([project.pk], [])


@pytest.mark.django_db(transaction=True)
def test_the_list_generation_goes_up_once_per_committed_transaction():
    project = ProjectFactory()
    before = list_generation()

    with transaction.atomic():
        Project.objects.filter(pk=project.pk).update(title="Een")
        Project.objects.filter(pk=project.pk).update(title="Twee")
        add_member(project, MemberFactory())
        assert list_generation() == before  # not yet: at the commit

    assert list_generation() == before + 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("change", "raises"),
    [
        ("title", True),
        ("last activity", True),
        ("member joins", True),
        ("team member's sector", True),
        ("team member's job title", False),
        ("an update is hidden", False),
    ],
)
def test_the_list_generation_follows_only_what_the_list_shows(change, raises):
    project = ProjectFactory()
    member = MemberFactory()
    add_member(project, member)
    update = post(project, member)
    before = list_generation()

    if change == "title":
        Project.objects.filter(pk=project.pk).update(title="Nieuw")
    elif change == "last activity":
        post(project, member)  # through the model: the service also marks the activity
        Project.objects.filter(pk=project.pk).update(last_activity_at=project.created_at)
    elif change == "member joins":
        add_member(project, MemberFactory())
    elif change == "team member's sector":
        Profile.objects.filter(pk=member.pk).update(primary_sector="ho")
    elif change == "team member's job title":
        Profile.objects.filter(pk=member.pk).update(job_title="Docent")
    else:
        ProjectUpdate.objects.filter(pk=update.pk).update(is_hidden=True)

    assert (list_generation() > before) is raises


@pytest.mark.django_db(transaction=True)
def test_the_list_shows_a_change_made_after_it_was_cached(client):
    project = ProjectFactory(title="Oude titel")
    assert "Oude titel" in client.get("/projects/").content.decode()

    Project.objects.filter(pk=project.pk).update(title="Nieuwe titel")

    html = client.get("/projects/").content.decode()
    assert ("Nieuwe titel" in html, "Oude titel" in html) == (True, False)


@pytest.mark.django_db(transaction=True)
def test_the_project_page_shows_a_renamed_team_member_and_a_new_update(client):
    project = ProjectFactory()
    member = MemberFactory(name="Jeroen Bakker")
    add_member(project, member)
    client.force_login(MemberFactory())
    assert "Jeroen Bakker</a>" in client.get(project.get_absolute_url()).content.decode()

    User.objects.filter(pk=member.pk).update(name="Jeroen de Bakker")
    services.post_update(project=project, author=member, text="Vers nieuws")

    html = client.get(project.get_absolute_url()).content.decode()
    assert "Jeroen de Bakker</a>" in html
    assert "Vers nieuws" in html


@pytest.mark.django_db(transaction=True)
def test_the_list_card_shows_the_new_team_mix(client):
    project = ProjectFactory(lead__profile__primary_sector="po")
    assert 'aria-label="Sector mix of the team: po 1"' in client.get("/projects/").content.decode()

    add_member(project, MemberFactory(profile__primary_sector="ho"))

    html = client.get("/projects/").content.decode()
    assert 'aria-label="Sector mix of the team: po 1, ho 1"' in html


@pytest.mark.django_db(transaction=True)
def test_projects_for_me_follow_my_joining_and_a_new_project():
    sanne = MemberFactory(profile__primary_sector="po")
    first = ProjectFactory(title="Eerste", looking_for_sectors=["po"])
    assert [s.title for s in cached_projects_for(sanne)] == ["Eerste"]

    services.request_to_join(project=first, member=sanne)
    ProjectFactory(title="Tweede", looking_for_sectors=["po"])

    assert [s.title for s in cached_projects_for(sanne)] == ["Tweede"]


@pytest.mark.django_db(transaction=True)
def test_mijn_lef_shows_my_new_places_at_once(client):
    """My projects are cached under the list's generation: every team change is seen."""
    sanne = MemberFactory(name="Sanne", profile__primary_sector="po")
    led = ProjectFactory(title="Rekenen", lead=sanne)
    client.force_login(sanne)
    assert "requests waiting" not in client.get("/").content.decode()

    add_member(led, MemberFactory(), status=Membership.Status.REQUESTED)
    assert "1 request waiting" in client.get("/").content.decode()

    invited = ProjectFactory(title="Studiekeuze")
    add_member(invited, sanne, status=Membership.Status.INVITED)
    assert "You are invited to join" in client.get("/").content.decode()

    Membership.objects.filter(project=invited, member=sanne).update(status="active")
    html = client.get("/").content.decode()
    assert "You are invited to join" not in html
    Project.objects.filter(pk=invited.pk).update(title="Studiekeuze in de klas")
    assert "Studiekeuze in de klas" in client.get("/").content.decode()
