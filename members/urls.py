from django.urls import path

from members.views import directory, privacy, profile

app_name = "members"

urlpatterns = [
    path("", directory.member_list, name="list"),
    # "me" is reserved (see members.usernames.RESERVED), so these come first.
    path("me/edit/", profile.profile_edit, name="edit"),
    path("me/welcome/", profile.onboarding, name="onboarding"),
    path("me/welcome/interests/", profile.onboarding_interests, name="interests"),
    path("me/welcome/people/", profile.onboarding_people, name="people"),
    path("me/export/", privacy.export_data, name="export"),
    path("me/delete/", privacy.delete_account, name="delete"),
    path("expertise/suggest/", profile.expertise_suggestions, name="expertise_suggestions"),
    path("<slug:username>/", profile.member_detail, name="detail"),
    path("<slug:username>/contact/", profile.contact_member, name="contact"),
]
