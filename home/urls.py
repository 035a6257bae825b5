from django.urls import path

from home import statements, views

# Not namespaced: "home" is the site's root, and older links name these directly.
urlpatterns = [
    path("", views.home, name="home"),
    path("calendar/", views.calendar_settings, name="calendar_settings"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("privacy/", statements.privacy, name="privacy"),
    path("accessibility/", statements.accessibility, name="accessibility"),
    path(".well-known/security.txt", statements.security_txt, name="security_txt"),
]
