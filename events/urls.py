from django.urls import path

from events import views

app_name = "events"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("calendar/", views.event_calendar, name="calendar"),
    path("feed.ics", views.events_feed, name="feed"),
    path("<slug:slug>/", views.event_detail, name="detail"),
    path("<slug:slug>/register/", views.register, name="register"),
    path("<slug:slug>/cancel/", views.cancel, name="cancel"),
    path("<slug:slug>/ics/", views.event_ics, name="ics"),
    path("<slug:slug>/check-in/", views.check_in_page, name="check_in"),
    path("<slug:slug>/check-in/walk-in/", views.walk_in, name="walk_in"),
    path(
        "<slug:slug>/check-in/<int:registration_id>/",
        views.check_in_toggle,
        name="check_in_toggle",
    ),
]
