from django.urls import path

from . import views

app_name = "stations"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("stations/<str:code>/", views.station_detail, name="detail"),
]
