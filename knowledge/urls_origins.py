"""Starting a project from a meetup (included by knowledge.urls)."""

from django.urls import path

from knowledge import views_origins

urlpatterns = [
    path(
        "from-meetup/<slug:slug>/",
        views_origins.start_from_meetup,
        name="start_from_meetup",
    ),
]
