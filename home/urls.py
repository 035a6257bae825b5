from django.urls import path

from home import statements, views, views_growth

# Not namespaced: "home" is the site's root, and older links name these directly.
urlpatterns = [
    path("", views.home, name="home"),
    path("calendar/", views.calendar_settings, name="calendar_settings"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    # The member's own record (home.views_growth); before members.urls' <username>/.
    path("members/me/growth/", views_growth.growth, name="growth"),
    path("members/me/growth.csv", views_growth.growth_csv, name="growth_csv"),
    path("members/me/growth.pdf", views_growth.growth_pdf_view, name="growth_pdf"),
    path("privacy/", statements.privacy, name="privacy"),
    path("accessibility/", statements.accessibility, name="accessibility"),
    path(".well-known/security.txt", statements.security_txt, name="security_txt"),
]
