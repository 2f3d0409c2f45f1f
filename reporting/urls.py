from django.urls import path

from reporting import views

app_name = "reporting"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("tickets/", views.figure_tickets, name="tickets"),
    path("documents/", views.report_list, name="list"),
    path("documents/new/", views.report_generate, name="generate"),
    path("documents/<int:pk>/", views.report_download, name="download"),
]
