"""Staff desks under /desk/: the dispatcher, the station desk, the deputy desk and the deputies' work.

Fixed words come before ``<str:code>/``, so ``desk/deputies/`` is never taken for a station code."""

from django.urls import path

from reports import views as report_views

from . import views, views_deputies, views_station

app_name = "desk"

urlpatterns = [
    path("", views.desk, name="home"),
    # inbox
    path("inbox/read/", views.inbox_read, name="inbox_read_all"),
    path("inbox/<int:pk>/read/", views.inbox_read, name="inbox_read"),
    # deputies' duty records, activities, surveys
    path("deputies/", views_deputies.record_list, name="record-list"),
    path("deputies/<int:pk>/record/", views_deputies.record_detail, name="record"),
    path("deputies/<int:pk>/record.pdf", views_deputies.record_pdf, name="record-pdf"),
    path("deputies/<int:pk>/record.xlsx", views_deputies.record_xlsx, name="record-xlsx"),
    path("activities/", views_deputies.desk_activities, name="activities"),
    path("activities/plan/", views_deputies.desk_plan, name="activity-plan"),
    path("surveys/", views_deputies.survey_list, name="survey-list"),
    path("surveys/<int:pk>/", views_deputies.survey_detail, name="survey-detail"),
    path("surveys/<int:pk>/qr.svg", views_deputies.survey_qr, name="survey-qr"),
    path("surveys/<int:pk>/ballot/", views_deputies.survey_ballot, name="survey-ballot"),
    # the officer's live preview of the year's evaluation sheet
    path("evaluation/", report_views.evaluation_preview, name="evaluation"),
    # opinions and records by id
    path("opinions/<int:pk>/", views_station.opinion_detail, name="opinion"),
    path("opinions/<int:pk>/transition/", views_station.opinion_transition, name="transition"),
    path("opinions/<int:pk>/unmask/", views_station.opinion_unmask, name="opinion_unmask"),
    path("visits/<int:pk>/unmask/", views_station.visit_unmask, name="visit_unmask"),
    # one station's desk (last: <str:code> matches any word)
    path("<str:code>/", views_station.station_desk_for, name="station"),
    path("<str:code>/visits/", views_station.visit_panel, name="visits"),
    path("<str:code>/opinions/", views_station.opinion_panel, name="opinions"),
    path("<str:code>/outreach/", views_station.outreach_panel, name="outreach"),
    path("<str:code>/practical-matters/", views_station.practical_matter_panel, name="practical_matters"),
    path("<str:code>/ledger/", views_station.ledger_page, name="ledger"),
    path("<str:code>/ledger/export.xlsx", views_station.ledger_export, name="ledger_export"),
    path("<str:code>/ledger/template.xlsx", views_station.ledger_template, name="ledger_template"),
    path("<str:code>/ledger/import/", views_station.ledger_import, name="ledger_import"),
]
