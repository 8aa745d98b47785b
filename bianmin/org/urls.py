from django.urls import path

from bianmin.org import views

app_name = "org"
urlpatterns = [
    path("signin/", views.sign_in, name="sign_in"),
    path("me/details/", views.real_name, name="real_name"),
]
