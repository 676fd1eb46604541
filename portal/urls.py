"""Every public page: no login, no personal data of visitors, made for a phone."""

from django.urls import path

from . import views, views_notices, views_opinions, views_work

app_name = "portal"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("preferences/", views.preferences, name="preferences"),
    path("stations/<str:code>/", views.station_detail, name="detail"),
    path("stations/<str:code>/calendar.ics", views_notices.calendar_ics, name="calendar"),
    path("stations/<str:code>/qr.svg", views_opinions.station_qr, name="station_qr"),
    path("stations/<str:code>/poster/", views_opinions.poster, name="poster"),
    path("stations/<str:code>/activities/", views_work.station_activities, name="station-activities"),
    path("opinions/new/", views_opinions.opinion_new, name="opinion_new"),
    path("track/", views_opinions.track_lookup, name="track_lookup"),
    path("track/<str:tracking_code>/", views_opinions.track, name="track"),
    path("subscribe/", views_notices.subscribe, name="subscribe"),
    path("subscribe/confirm/", views_notices.subscribe_confirm, name="subscribe_confirm"),
    path("subscribe/unsubscribe/<str:token>/", views_notices.unsubscribe, name="unsubscribe"),
    path("surveys/<str:token>/", views_work.survey_respond, name="survey-respond"),
]
