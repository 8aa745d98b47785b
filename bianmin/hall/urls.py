from django.urls import URLPattern, URLResolver, path

from bianmin.hall import discipline_views, patrol_views, views

app_name = "hall"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.overview, name="overview"),
    path("<int:hall_id>/", views.hall_page, name="hall"),
    path("<int:hall_id>/kiosk/", views.kiosk, name="kiosk"),
    path("<int:hall_id>/display/", views.display, name="display"),
    path("<int:hall_id>/patrol/", patrol_views.patrol, name="patrol"),
    path("<int:hall_id>/notices/", patrol_views.notices, name="notices"),
    path("<int:hall_id>/notices/public/", discipline_views.public_notices, name="public_notices"),
    path("<int:hall_id>/marks/", discipline_views.marks, name="marks"),
    path("<int:hall_id>/assessment/", discipline_views.assessment_page, name="assessment"),
    path("violations/<int:violation_id>/act/", discipline_views.violation_act, name="violation_act"),
    path("<int:hall_id>/ranking/", patrol_views.ranking_page, name="ranking"),
    path("<int:hall_id>/ranking.xlsx", patrol_views.ranking_export, name="ranking_export"),
    path("<int:hall_id>/stats.xlsx", patrol_views.stats_export, name="stats_export"),
    path("console/", views.console_index, name="console_index"),
    path("console/<int:window_id>/", views.console, name="console"),
    path("console/<int:window_id>/do/", views.console_do, name="console_do"),
    path("pad/<int:window_id>/", views.pad, name="pad"),
    path("pad/<int:window_id>/pair/", views.pad_pair, name="pad_pair"),
    path("t/<str:token>/", views.ticket_page, name="ticket"),
]
