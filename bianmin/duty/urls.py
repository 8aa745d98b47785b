from django.urls import URLPattern, URLResolver, path

from bianmin.duty import views, views_roster, views_township

app_name = "duty"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("today/<str:code>/", views.today, name="today"),
    path("feed/<str:secret>.ics", views.feed, name="feed"),
    path("missing/", views_township.missing, name="missing"),
    path("townships/<str:code>/<int:year>-<int:number>/", views_township.township, name="township"),
    path("townships/<str:code>/<int:year>-<int:number>.xlsx", views_township.township_xlsx, name="township_xlsx"),
    path("places/<int:pk>/<int:year>-<int:number>/", views.month, name="month"),
    path("places/<int:pk>/attendance/<str:what>/", views.attendance, name="attendance"),
    path("places/<int:pk>/visits/", views.visits, name="visits"),
    path("places/<int:pk>/layers/", views.layers, name="layers"),
    path("places/<int:pk>/people/", views_roster.people, name="people"),
    path("places/<int:pk>/plans/", views_roster.plans, name="plans"),
    path("changes/<int:pk>/<str:action>/", views.act, name="act"),
]
