"""Adding, editing, hiding, reporting and downloading results (included by knowledge.urls).

The paths below /knowledge/ that are not results ("add", "authorship") are
reserved slugs (knowledge.services.RESERVED_SLUGS).
"""

from django.urls import path

from knowledge import views_publish

urlpatterns = [
    path("add/<slug:project_slug>/", views_publish.result_add, name="add"),
    path(
        "add/<slug:project_slug>/team/",
        views_publish.team_publishing,
        name="team_publishing",
    ),
    path("authorship/", views_publish.authorship, name="authorship"),
    path("<slug:slug>/edit/", views_publish.result_edit, name="edit"),
    path("<slug:slug>/delete/", views_publish.result_delete, name="delete"),
    path("<slug:slug>/download/", views_publish.result_download, name="download"),
    path("<slug:slug>/report/", views_publish.result_report, name="report"),
]
