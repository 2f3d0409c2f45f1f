from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from rest_framework.routers import DefaultRouter

from helpdesk_site import helpdesk_urls
from helpdesk_site.favicon import favicon
from helpdesk_site.health import healthz
from helpdesk_site.tickets import views as ticket_views
from helpdesk_site.tickets.api import TicketViewSet

api = DefaultRouter()
api.register("tickets", TicketViewSet, basename="ticket")

urlpatterns = [
    path("", ticket_views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("helpdesk_site.people.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("tickets/", include("helpdesk_site.tickets.urls")),
    path("kb/", include("kb.urls")),
    path("", include("helpdesk_site.chat.urls")),
    path("api/", include(api.urls)),
    path("sla/", include("sla.urls")),
    path("notices/", include("helpdesk_site.notices.urls")),
    path("satisfaction/", include("helpdesk_site.satisfaction.urls")),
    path("reports/", include("reporting.urls")),
    path("rectification/", include("rectification.urls")),
    path("training/", include("training.urls")),
    path("quizzes/", include("quizzes.urls")),
    path("residency/", include("residency.urls")),
    path("keywork/", include("keywork.urls")),
    path("indicators/", include("indicators.urls")),
    path("inspections/", include("inspections.urls")),
    path("media/<path:path>", ticket_views.protected_media, name="protected_media"),
    path("healthz/", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("helpdesk/", include((helpdesk_urls.urlpatterns, "helpdesk"), namespace="helpdesk")),
]

handler500 = "helpdesk_site.errors.server_error"

admin.site.site_header = "甘孜州政务服务平台运维服务台"
admin.site.site_title = "运维服务台"
