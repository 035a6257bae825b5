"""The privacy and accessibility statements, security.txt, and the links to them."""

import datetime as dt
import html
import re

import pytest
from django.urls import resolve, reverse
from django.utils import timezone

from events.retention import DETAILS_KEPT
from home.statements import failed_mail_kept_days
from members.views import privacy as privacy_views

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def links_of(page: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', page))


@pytest.mark.parametrize(
    ("path", "heading"),
    [("/privacy/", "Privacy statement"), ("/accessibility/", "Accessibility statement")],
)
def test_statement_answers_a_visitor_with_the_contact_address(client, settings, path, heading):
    settings.LEF_CONTACT_EMAIL = "privacy@lef.example.nl"
    settings.LEF_ORGANISATION_NAME = "Stichting Voorbeeld"

    page = text_of(client.get(path, headers={"accept-language": "en"}))

    assert f"<h1>{heading}</h1>" in page
    assert "mailto:privacy@lef.example.nl" in links_of(page)
    assert "Stichting Voorbeeld" in page


def test_privacy_statement_links_to_export_and_deletion_and_they_resolve(client):
    page = text_of(client.get("/privacy/", headers={"accept-language": "en"}))

    links = links_of(page)
    assert {"/members/me/export/", "/members/me/delete/", "/members/me/edit/"} <= links
    assert resolve("/members/me/export/").func == privacy_views.export_data
    assert resolve("/members/me/delete/").func == privacy_views.delete_account
    assert "https://autoriteitpersoonsgegevens.nl/" in links


def test_privacy_statement_gives_the_terms_the_jobs_keep(client):
    page = " ".join(text_of(client.get("/privacy/", headers={"accept-language": "en"})).split())

    assert DETAILS_KEPT.days == 183
    assert "until 183 days after the meetup" in page
    assert failed_mail_kept_days() == 7
    assert "after 7 days if it could not be delivered" in page


def test_accessibility_statement_names_its_status_and_standard(client):
    page = " ".join(
        text_of(client.get("/accessibility/", headers={"accept-language": "en"})).split()
    )

    assert "C: first measures taken." in page
    assert "WCAG 2.1 at level AA" in page
    assert "EN 301 549" in page


def test_statements_refuse_a_post(client):
    assert client.post("/privacy/").status_code == 405
    assert client.post("/accessibility/").status_code == 405


def test_home_page_footer_links_to_both_statements(client):
    page = text_of(client.get("/"))

    assert {reverse("privacy"), reverse("accessibility")} <= links_of(page)


def test_signup_form_links_to_the_privacy_statement(client):
    page = text_of(client.get("/accounts/signup/"))

    assert "/privacy/" in links_of(page)


def test_security_txt_names_the_security_address_and_expires_within_a_year(client, settings):
    settings.LEF_SECURITY_EMAIL = "security@lef.example.nl"

    response = client.get("/.well-known/security.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    fields = dict(line.split(": ", 1) for line in response.content.decode().splitlines())
    assert fields["Contact"] == "mailto:security@lef.example.nl"
    assert fields["Policy"] == "http://testserver/privacy/#security"
    assert fields["Canonical"] == "http://testserver/.well-known/security.txt"
    expires = dt.datetime.fromisoformat(fields["Expires"])
    assert timezone.now() < expires < timezone.now() + dt.timedelta(days=365)


def test_backup_terms_are_the_backup_services_defaults(settings):
    compose = (settings.BASE_DIR / "compose.yaml").read_text()

    assert f"BACKUP_KEEP_DAILY:-{settings.BACKUP_KEEP_DAILY}}}" in compose
    assert f"BACKUP_KEEP_MONTHLY:-{settings.BACKUP_KEEP_MONTHLY}}}" in compose


def test_privacy_statement_gives_the_backup_terms_of_the_settings(client, settings):
    settings.BACKUP_KEEP_DAILY = 14
    settings.BACKUP_KEEP_MONTHLY = 6

    page = " ".join(text_of(client.get("/privacy/", headers={"accept-language": "en"})).split())

    assert "keep the last 14 daily copies and one copy per month for 6 months" in page
    assert "gone from the backups 6 months later at the latest" in page
