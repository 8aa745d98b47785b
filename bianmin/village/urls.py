from django.urls import URLPattern, URLResolver, path

from bianmin.village import views

app_name = "village"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
]
