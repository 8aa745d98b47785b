from django.urls import URLPattern, URLResolver, path

from bianmin.pension import views, views_register

app_name = "pension"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.lists, name="lists"),
    path("hall/", views.hall, name="hall"),
    path("report/", views.report, name="report"),
    path("report.xlsx", views_register.report_export, name="report_export"),
    path("register/", views_register.register, name="register"),
    path("register.xlsx", views_register.export, name="export"),
    path("imports/<int:pk>/", views_register.import_job, name="import_job"),
    path("imports/<int:pk>/status", views_register.job_status, name="job_status"),
    path("<int:pk>/", views.pensioner, name="pensioner"),
    path("<int:pk>/<str:action>/", views.act, name="act"),
]
