from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from bianmin import views
from bianmin.api import api

admin.site.site_header = admin.site.site_title = _("Bianmin administration")

urlpatterns = [
    path("", views.home, name="home"),
    path("on-duty/", views.on_duty, name="on_duty"),
    path("healthz", views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico whatever the page says: answer it instead of logging a 404 per visit.
    path("favicon.ico", views.favicon, name="favicon"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("bianmin.org.urls")),
    path("", include("bianmin.cases.urls")),
    path("", include("bianmin.reports.urls")),
    path("", include("bianmin.catalog.urls")),
    path("hall/", include("bianmin.hall.urls")),
    path("duty/", include("bianmin.duty.urls")),
    path("pension/", include("bianmin.pension.urls")),
    path("open311/", include("bianmin.open311.urls")),
    path("village/", include("bianmin.village.urls")),
]
