from django.urls import path

from . import views, views_public_notices

app_name = "stations"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("stations/<str:code>/", views.station_detail, name="detail"),
    path("preferences/", views.preferences, name="preferences"),
    path("stations/<str:code>/calendar.ics", views_public_notices.calendar_ics, name="calendar"),
    path("subscribe/", views_public_notices.subscribe, name="subscribe"),
    path("subscribe/confirm/", views_public_notices.subscribe_confirm, name="subscribe_confirm"),
    path("subscribe/unsubscribe/<str:token>/", views_public_notices.unsubscribe, name="unsubscribe"),
    path("inbox/read/", views_public_notices.inbox_read, name="inbox_read_all"),
    path("inbox/<int:pk>/read/", views_public_notices.inbox_read, name="inbox_read"),
]
