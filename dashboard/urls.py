from django.urls import path

from dashboard import exports, views

app_name = "dashboard"

urlpatterns = [
    path("", views.dashboard, name="index"),
    path("chart/<slug:key>.svg", views.chart, name="chart"),
    path("report/", views.partner_report, name="report"),
    path("report.pdf", views.partner_report_pdf, name="report_pdf"),
    path("csv/<slug:key>.csv", exports.figure_csv, name="csv"),
    path("report/csv/<slug:key>.csv", exports.report_csv, name="report_csv"),
]
