from django.urls import path

from bianmin.cases import citizen_views, views

app_name = "cases"
urlpatterns = [
    path("cases/", views.workbench, name="workbench"),
    path("cases/new/", views.intake, name="intake"),
    path("cases/apply/<str:code>/", views.apply, name="apply"),
    path("cases/bulk/", views.bulk, name="bulk"),
    path("cases/<str:number>/", views.case_detail, name="detail"),
    path("cases/<str:number>/files/<int:pk>/", views.attachment, name="attachment"),
    path("cases/<str:number>/notices/<int:pk>/", views.document, name="document"),
    path("service/submit/", views.public_submit, name="public_submit"),
    path("service/track/", views.public_track, name="public_track"),
    path("me/", citizen_views.my_matters, name="my_matters"),
    path("me/claim/<str:number>/", citizen_views.claim, name="claim"),
]
