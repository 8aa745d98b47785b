from django.urls import URLPattern, URLResolver, path, re_path

from bianmin.open311 import pages, views

app_name = "open311"
FMT = r"\.(?P<fmt>xml|json)$"
urlpatterns: list[URLPattern | URLResolver] = [
    path("v2/", views.root, name="root"),
    re_path(r"^v2/discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^v2/services" + FMT, views.service_list, name="services"),
    re_path(r"^v2/services/(?P<code>[^/]{1,64})" + FMT, views.service_definition, name="service"),
    re_path(r"^v2/requests" + FMT, views.requests, name="requests"),
    re_path(r"^v2/requests/(?P<number>[^/]{1,64})" + FMT, views.request_detail, name="request"),
    re_path(r"^v2/tokens/(?P<token>[^/]{1,64})" + FMT, views.token, name="token"),
    re_path(r"^v2/servicerequestupdates" + FMT, views.request_updates, name="updates"),
    re_path(r"^v2/(?P<path>.*)$", views.not_found),
    path("keys/", pages.keys, name="keys"),
    path("keys/<int:pk>/revoke/", pages.revoke, name="revoke"),
]
