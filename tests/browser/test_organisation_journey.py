"""The approval loop in a browser: a start-up founder adds her organisation on her
profile and reads that the coordinators were told; a coordinator follows the link
in the mail, declines it with a note, and the founder gets that note by mail."""

from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from playwright.sync_api import expect

from lef.coordinators import GROUP_NAME
from members.models import Organisation
from tests.browser.helpers import (
    LINK,
    assert_accessible,
    assert_no_horizontal_scroll,
    label,
    t,
)
from tests.factories import MemberFactory
from tests.members.factories_coordination import CoordinatorFactory

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

NAME = "Onderwijslab 071"


@pytest.fixture
def coordinators_group():
    """The Coordinators group with its rights on organisations, as the migrations make it.

    A live-server test empties every table when it ends, this group too.
    """
    group, _created = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="members",
            codename__in=["view_organisation", "change_organisation"],
        )
    )
    return group


def _only_mail_to(address: str):
    messages = [m for m in mail.outbox if m.to == [address]]
    assert len(messages) == 1, [(m.to, m.subject) for m in mail.outbox]
    return messages[0]


def test_founder_proposes_her_start_up_and_the_coordinator_declines_it_with_a_note(
    new_page, login_as, coordinators_group
):
    coordinator = CoordinatorFactory(
        name="Carla Coördinator", email="carla@lef.example", language="nl"
    )
    founder = MemberFactory(
        name="Sanne de Vries", username="sanne", email="sanne@school.example", language="nl"
    )
    mail.outbox.clear()

    # The founder, on her phone: her organisation is not in the list, so she types it.
    page = new_page(viewport=(375, 740), phone=True)
    login_as(page, founder)
    page.goto("/members/me/edit/")
    page.get_by_label(label("Not in the list? Type its name")).fill(NAME)
    page.get_by_label(label("Kind of organisation")).select_option(
        label=t("Education start-up or initiative")
    )
    page.get_by_role("button", name=t("Save profile")).click()

    expect(page).to_have_url("/members/sanne/")
    told = t(
        "%(name)s is new on 't LEF, so we have told the coordinators. "
        "You get an email once they have looked at it; until then it shows "
        "as awaiting approval."
    ) % {"name": NAME}
    expect(page.get_by_role("status")).to_contain_text(told)
    expect(page.get_by_text(t("awaiting approval"), exact=True)).to_be_visible()
    assert_no_horizontal_scroll(page)
    assert_accessible(page)

    # The coordinator was told, once, with a link to where it is handled.
    proposal = Organisation.objects.get(name=NAME)
    assert proposal.status == Organisation.Status.PROPOSED
    notice = _only_mail_to("carla@lef.example")
    assert [m.to for m in mail.outbox] == [["carla@lef.example"]]
    review = next(link for link in LINK.findall(notice.body) if "/admin/" in link)
    assert urlsplit(review).path == f"/admin/members/organisation/{proposal.pk}/change/"

    # She follows it, declines the proposal and writes why.
    admin = new_page()
    login_as(admin, coordinator)
    admin.goto(urlsplit(review).path)
    admin.get_by_role("link", name=t("Decline…")).click()
    admin.get_by_label(t("A note to the member who proposed it (optional)")).fill(
        "Kies Onderwijslab Leiden uit de lijst: dat is dezelfde."
    )
    admin.get_by_role("button", name=t("Decline"), exact=True).click()

    expect(admin.locator(".messagelist")).to_contain_text(
        t("%(name)s, who proposed it, has been mailed.") % {"name": "Sanne de Vries"}
    )
    proposal.refresh_from_db()
    assert proposal.status == Organisation.Status.DECLINED

    # The founder reads the note in her mail, and her profile no longer names it.
    answer = _only_mail_to("sanne@school.example")
    assert "Kies Onderwijslab Leiden uit de lijst: dat is dezelfde." in answer.body
    page.goto("/members/sanne/")
    expect(page.get_by_text(NAME)).to_have_count(0)
