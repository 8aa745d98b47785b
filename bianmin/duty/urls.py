from django.urls import URLPattern, URLResolver, path

from bianmin.duty import views

app_name = "duty"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("today/<str:code>/", views.today, name="today"),
    path("feed/<str:secret>.ics", views.feed, name="feed"),
    path("places/<int:pk>/<int:year>-<int:number>/", views.month, name="month"),
    path("places/<int:pk>/attendance/<str:what>/", views.attendance, name="attendance"),
    path("places/<int:pk>/visits/", views.visits, name="visits"),
    path("places/<int:pk>/layers/", views.layers, name="layers"),
    path("changes/<int:pk>/<str:action>/", views.act, name="act"),
]
