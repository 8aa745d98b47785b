from django.urls import URLPattern, URLResolver

app_name = "pension"
urlpatterns: list[URLPattern | URLResolver] = []
