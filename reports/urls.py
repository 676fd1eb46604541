from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("dashboard/", views.dashboard_page, name="dashboard"),
    path("dashboard/export.xlsx", views.dashboard_xlsx, name="dashboard_xlsx"),
    path("dashboard/annual-report.pdf", views.annual_report_pdf, name="annual_report_pdf"),
    path("dashboard/evaluation/", views.evaluation_overview, name="evaluation"),
    path("dashboard/evaluation/export.xlsx", views.evaluation_xlsx, name="evaluation_xlsx"),
    path("dashboard/evaluation/compute/", views.evaluation_compute, name="evaluation_compute"),
    path("dashboard/evaluation/publish/", views.evaluation_publish, name="evaluation_publish"),
    path("dashboard/evaluation/<str:code>/", views.evaluation_sheet, name="evaluation_sheet"),
    path("dashboard/evaluation/<str:code>/score/", views.evaluation_score, name="evaluation_score"),
    path("dashboard/evaluation/<str:code>/sheet.pdf", views.evaluation_pdf, name="evaluation_pdf"),
]
