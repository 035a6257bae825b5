from django.urls import path

from projects import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/", views.project_start, name="start"),
    path("<slug:slug>/", views.project_detail, name="detail"),
    path("<slug:slug>/edit/", views.project_edit, name="edit"),
    path("<slug:slug>/join/", views.project_join, name="join"),
    path("<slug:slug>/leave/", views.project_leave, name="leave"),
    path("<slug:slug>/team/", views.project_team, name="team"),
    path("<slug:slug>/team/<int:membership_id>/", views.team_member_change, name="team_member"),
    path("<slug:slug>/invite/", views.project_invite, name="invite"),
    path("<slug:slug>/requests/<int:membership_id>/", views.request_decide, name="decide"),
    path(
        "<slug:slug>/membership/<int:membership_id>/answer/",
        views.membership_answer,
        name="answer",
    ),
    path("<slug:slug>/updates/", views.project_updates, name="updates"),
    path("<slug:slug>/updates/<int:update_id>/hide/", views.update_hide, name="hide_update"),
    path("<slug:slug>/moderate/", views.project_moderate, name="moderate"),
]
