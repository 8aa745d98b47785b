from django.urls import path

from bianmin.reports import views

app_name = "reports"
urlpatterns = [
    path("reports/", views.dashboard, name="dashboard"),
    path("reports/wall/", views.wall, name="wall"),
    path("reports/kpi.xlsx", views.kpi_xlsx, name="kpi_xlsx"),
    path("reports/cases.xlsx", views.cases_xlsx, name="cases_xlsx"),
]
