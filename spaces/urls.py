from django.urls import path

from spaces import views

app_name = "spaces"

urlpatterns = [
    path("", views.resource_list, name="list"),
    path("bookings/", views.my_bookings, name="bookings"),
    path("bookings/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("bookings/<int:pk>/check-in/", views.check_in, name="check_in"),
    path("<slug:slug>/", views.resource_detail, name="resource"),
    path("<slug:slug>/book/", views.book, name="book"),
]
