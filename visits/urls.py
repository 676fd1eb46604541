from django.urls import path

from . import views, views_public

app_name = "visits"

urlpatterns = [
    # Public (no login, no personal data)
    path("opinions/new/", views_public.opinion_new, name="opinion_new"),
    path("track/", views_public.track_lookup, name="track_lookup"),
    path("track/<str:tracking_code>/", views_public.track, name="track"),
    path("stations/<str:code>/qr.svg", views_public.station_qr, name="station_qr"),
    path("stations/<str:code>/poster/", views_public.poster, name="poster"),
    # Station desk (staff)
    path("desk/opinions/<int:pk>/", views.opinion_detail, name="desk_opinion"),
    path("desk/opinions/<int:pk>/transition/", views.opinion_transition, name="desk_transition"),
    path("desk/opinions/<int:pk>/unmask/", views.opinion_unmask, name="desk_opinion_unmask"),
    path("desk/visits/<int:pk>/unmask/", views.visit_unmask, name="desk_visit_unmask"),
    path("desk/<str:code>/", views.station_desk_for, name="desk_station"),
    path("desk/<str:code>/visits/", views.visit_panel, name="desk_visits"),
    path("desk/<str:code>/opinions/", views.opinion_panel, name="desk_opinions"),
    path("desk/<str:code>/outreach/", views.outreach_panel, name="desk_outreach"),
    path("desk/<str:code>/practical-matters/", views.practical_matter_panel, name="desk_practical_matters"),
    path("desk/<str:code>/ledger/", views.ledger_page, name="desk_ledger"),
    path("desk/<str:code>/ledger/export.xlsx", views.ledger_export, name="desk_ledger_export"),
    path("desk/<str:code>/ledger/template.xlsx", views.ledger_template, name="desk_ledger_template"),
    path("desk/<str:code>/ledger/import/", views.ledger_import, name="desk_ledger_import"),
]
