from django.urls import path

from members.views import organisations

app_name = "organisations"

urlpatterns = [
    path("", organisations.organisation_list, name="list"),
    path("<slug:slug>/", organisations.organisation_detail, name="detail"),
]
