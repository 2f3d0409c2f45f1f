from django.contrib.auth import views as auth_views
from django.urls import path

from helpdesk_site.people import views

urlpatterns = [
    path("password_change/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="people/password_change_done.html"),
        name="password_change_done",
    ),
    path("password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(template_name="people/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="people/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("users/", views.accounts, name="accounts"),
    path("users/<int:user_id>/reset/", views.reset_password, name="reset_password"),
    path("users/team-leads/", views.name_team_lead, name="name_team_lead"),
]
