from django.urls import URLPattern, URLResolver, path

from bianmin.village import views, views_projects, views_public, views_records

app_name = "village"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("new/", views.new, name="new"),
    path("p/<int:pk>/", views.publication, name="publication"),
    path("p/<int:pk>/act/", views.act, name="act"),
    path("p/<int:pk>/channel/", views.channel, name="channel"),
    path("p/<int:pk>/question/", views.question, name="question"),
    path("decisions/", views.decision_list, name="decisions"),
    path("decisions/<int:pk>/", views.decision, name="decision"),
    path("projects/", views_projects.project_list, name="projects"),
    path("projects/new/", views_projects.project_new, name="project_new"),
    path("projects/<int:pk>/", views_projects.project, name="project"),
    path("projects/<int:pk>/work/", views_projects.project_work, name="project_work"),
    path("flags/<int:pk>/close/", views_projects.close_flag, name="close_flag"),
    path("catalogue/", views_records.catalogue, name="catalogue"),
    path("catalogue/<int:pk>/", views_records.catalogue_item, name="catalogue_item"),
    path("catalogue/<int:pk>/retire/", views_records.catalogue_retire, name="catalogue_retire"),
    path("catalogue/<int:pk>/reinstate/", views_records.catalogue_reinstate, name="catalogue_reinstate"),
    path("charters/", views_records.charter_list, name="charters"),
    path("charters/<int:pk>/", views_records.charter, name="charter"),
    path("relatives/", views_records.relative_villages, name="relative_villages"),
    path("relatives/<str:code>/", views_records.relatives, name="relatives"),
    path("report/", views.report, name="report"),
    path("report.xlsx", views.report_export, name="report_export"),
    # The public side, no login.
    path("board/<str:code>/", views_public.board, name="board"),
    path("board/<str:code>/screen/", views_public.screen, name="screen"),
    path("board/<str:code>/<int:pk>/", views_public.publication, name="public_publication"),
    path("board/<str:code>/<int:pk>/v<int:number>/", views_public.publication, name="public_version"),
    path("board/<str:code>/<int:pk>/ask/", views_public.ask, name="ask"),
    path("board/<str:code>/<int:pk>.pdf", views_public.notice_pdf, name="public_pdf"),
]
