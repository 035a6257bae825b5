"""A vo teacher searches the directory for "wiskunde brugklas" (issue 16, point 6).

Before, the two words together found nobody, although each alone found people.
Now she sees everyone who mentions either word, the colleague who mentions both
first, as the page updates while she types; in Dutch and in English.
"""

import re

import pytest
from playwright.sync_api import expect

from lef.choices import Sector
from tests.browser.helpers import assert_accessible, label
from tests.factories import MemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def colleagues():
    """One colleague per word, and one who mentions both, only in her bio."""
    MemberFactory(
        name="Wim Wiskunde",
        profile__primary_sector=Sector.VO,
        profile__expertise=["wiskunde"],
        profile__bio="Wiskunde in de bovenbouw, wiskunde B en D.",
    )
    MemberFactory(
        name="Bo Brugklas",
        profile__primary_sector=Sector.PO,
        profile__expertise=["brugklas"],
    )
    MemberFactory(
        name="Anouk Beide",
        profile__primary_sector=Sector.MBO,
        profile__bio="Ik help leerlingen met wiskunde als ze net in de brugklas zitten.",
    )
    MemberFactory(name="Tom Taal", profile__expertise=["taal"])


def _cards(page):
    return page.locator("#member-results article")


@pytest.mark.usefixtures("colleagues")
@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_two_word_search_shows_the_colleague_with_both_words_first(new_page, login_as, language):
    page = new_page(locale="nl-NL" if language == "nl" else "en-GB")
    login_as(page, MemberFactory(name="Sanne de Vries", profile__primary_sector=Sector.VO))
    page.goto("/members/")
    search = page.get_by_label(label("Search", language))

    # Typed as a person types; the results follow without a full page load.
    search.press_sequentially("wiskunde brugklas", delay=20)

    expect(page).to_have_url(re.compile(r"/members/\?(.*&)?q=wiskunde(%20|\+)brugklas(&|$)"))
    expect(_cards(page)).to_have_count(3)
    expect(_cards(page).first.get_by_role("heading")).to_have_text("Anouk Beide")
    expect(page.locator("#member-count")).to_have_text(re.compile(r"^\s*3 "))
    names = _cards(page).get_by_role("heading").all_inner_texts()
    assert names[0] == "Anouk Beide"
    assert sorted(names[1:]) == ["Bo Brugklas", "Wim Wiskunde"]
    assert_accessible(page)

    # One word finds what it always found.
    search.fill("brugklas")
    expect(_cards(page)).to_have_count(2)
    expect(_cards(page).get_by_role("heading", name="Wim Wiskunde")).to_have_count(0)
