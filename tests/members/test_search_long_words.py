"""A very long word in a profile or project is saved, and the search still finds compounds.

Found by the form fuzzing (tests/fuzz): lef_word_parts made every tail of every
long word, so one word of 5000 letters (within the profile form's limit) ended
in "string is too long for tsvector", a 500, and one of 100 000 letters (the
admin has no limit) ran PostgreSQL out of memory.
"""

import pytest
from django.db import connection

from members.models import Profile
from members.queries import directory
from members.search import MAX_PART_WORD
from tests.factories import MemberFactory
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def found(text: str) -> list[str]:
    """As in test_search.py: names a signed-in member finds with ``text``."""
    viewer = MemberFactory.build()
    return [row["user__name"] for row in directory(viewer=viewer, q=text)]


@pytest.mark.parametrize("length", [4999, 100_000])
def test_a_profile_with_one_enormous_word_is_saved(length):
    member = MemberFactory()
    Profile.objects.filter(user=member).update(bio="a" * length)
    assert Profile.objects.get(user=member).search_vector != ""


def test_a_project_with_one_enormous_word_is_saved():
    project = ProjectFactory(description="b" * 100_000)
    project.refresh_from_db()
    assert project.description == "b" * 100_000


def test_compounds_are_still_found_by_their_tails():
    MemberFactory(name="Onderzoeker", profile__bio="Ik doe praktijkonderzoek in de klas.")
    assert found("onderzoek") == ["Onderzoeker"]


def test_words_longer_than_the_limit_give_no_tails():
    long_word = "x" * (MAX_PART_WORD + 1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT lef_word_parts(%s)", [f"{long_word} leerlingen"])
        assert cursor.fetchone()[0] == "eerlingen erlingen rlingen lingen ingen ngen"
