from django.urls import path

from helpdesk_site.tickets import views

app_name = "tickets"

urlpatterns = [
    path("", views.ticket_list, name="list"),
    path("new/", views.ticket_new, name="new"),
    path("<int:ticket_id>/", views.ticket_detail, name="detail"),
    path("<int:ticket_id>/comment/", views.ticket_comment, name="comment"),
    path("<int:ticket_id>/close/", views.ticket_close, name="close"),
    path("<int:ticket_id>/reopen/", views.ticket_reopen, name="reopen"),
]
