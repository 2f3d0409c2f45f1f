from django.urls import path
from django.views.generic import RedirectView

from sla import views

app_name = "sla"

urlpatterns = [
    path("at-risk/", views.at_risk, name="at_risk"),
    path("tickets/<int:ticket_id>/resolve/", views.resolve, name="resolve"),
    path("tickets/<int:ticket_id>/hold/", views.hold, name="hold"),
    # Notices moved to their own app; links in earlier e-mails still land.
    path("notifications/", RedirectView.as_view(pattern_name="notices:list", permanent=True)),
]
