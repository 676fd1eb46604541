from django.urls import path

from . import views

app_name = "deputies"

urlpatterns = [
    path("desk/deputies/", views.record_list, name="record-list"),
    path("desk/deputies/<int:pk>/record/", views.record_detail, name="record"),
    path("desk/deputies/<int:pk>/record.pdf", views.record_pdf, name="record-pdf"),
    path("desk/deputies/<int:pk>/record.xlsx", views.record_xlsx, name="record-xlsx"),
    path("desk/activities/", views.desk_activities, name="desk-activities"),
    path("desk/activities/plan/", views.desk_plan, name="desk-plan"),
    path("desk/surveys/", views.survey_list, name="survey-list"),
    path("desk/surveys/<int:pk>/", views.survey_detail, name="survey-detail"),
    path("desk/surveys/<int:pk>/qr.svg", views.survey_qr, name="survey-qr"),
    path("desk/surveys/<int:pk>/ballot/", views.survey_ballot, name="survey-ballot"),
    path("surveys/<str:token>/", views.survey_respond, name="survey-respond"),
    path("stations/<str:code>/activities/", views.station_activities, name="station-activities"),
]
