"""Staff desks under /desk/: the dispatcher, the station desk, the deputy desk and the deputies' work.

Fixed words come before ``<str:code>/``, so ``desk/deputies/`` is never taken for a station code."""

from django.urls import path

from reports import views as report_views

from . import views, views_audit, views_deputies, views_opinions, views_records, views_station, views_suggestions

app_name = "desk"

urlpatterns = [
    path("", views.desk, name="home"),
    # the audit trail (county staff, administrators)
    path("audit/", views_audit.audit_page, name="audit"),
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
    # deputies' suggestions (代表建议) and their supervision (督办)
    path("suggestions/", views_suggestions.suggestion_list, name="suggestion-list"),
    path("suggestions/new/", views_suggestions.suggestion_new, name="suggestion-new"),
    path("suggestions/<int:pk>/", views_suggestions.suggestion_detail, name="suggestion"),
    path("suggestions/<int:pk>/edit/", views_suggestions.suggestion_edit, name="suggestion-edit"),
    path("suggestions/<int:pk>/cosign/", views_suggestions.suggestion_cosign, name="suggestion-cosign"),
    path("suggestions/<int:pk>/assign/", views_suggestions.suggestion_assign, name="suggestion-assign"),
    path("suggestions/<int:pk>/extend/", views_suggestions.suggestion_extend, name="suggestion-extend"),
    path("suggestions/<int:pk>/answer/", views_suggestions.suggestion_answer, name="suggestion-answer"),
    path("suggestions/<int:pk>/assess/", views_suggestions.suggestion_assess, name="suggestion-assess"),
    path("suggestions/<int:pk>/supervise/", views_suggestions.suggestion_supervise, name="suggestion-supervise"),
    path("suggestions/<int:pk>/close/", views_suggestions.suggestion_close, name="suggestion-close"),
    # the officer's live preview of the year's evaluation sheet
    path("evaluation/", report_views.evaluation_preview, name="evaluation"),
    # the opinion work list of the user's scope, bulk assignment; opinions and records by id
    path("opinions/", views_opinions.opinion_list, name="opinion-list"),
    path("opinions/assign/", views_opinions.opinion_bulk_assign, name="opinion-bulk-assign"),
    path("opinions/<int:pk>/", views_station.opinion_detail, name="opinion"),
    path("opinions/<int:pk>/transition/", views_station.opinion_transition, name="transition"),
    path("opinions/<int:pk>/unmask/", views_station.opinion_unmask, name="opinion_unmask"),
    path("visits/<int:pk>/unmask/", views_station.visit_unmask, name="visit_unmask"),
    # corrections: edit, void, restore, undo and the trail of each kind of record; the voided records of an area
    path("records/voided/", views_records.voided_list, name="voided_records"),
    *[
        path(f"records/{kind}/<int:pk>/{action}/", view, {"kind": kind}, name=f"record_{action}")
        for kind, actions in views_records.VIEWS.items()
        for action, view in actions.items()
    ],
    path("opinions/<int:pk>/edit/", views_records.VIEWS["opinion"]["edit"], {"kind": "opinion"}, name="opinion_edit"),
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
