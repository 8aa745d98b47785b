from django.urls import path

from bianmin.catalog import views

app_name = "catalog"
urlpatterns = [
    path("guide/", views.guide, name="guide"),
    path("guide/manage/", views.manage, name="manage"),
    path("guide/manage/catalogue.xlsx", views.export, name="export"),
    path("guide/<str:code>/", views.item_page, name="item"),
    path("guide/<str:code>/files/<int:pk>/<str:which>/", views.material_file, name="file"),
]
