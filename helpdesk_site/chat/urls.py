from django.urls import path

from helpdesk_site.chat import views

app_name = "chat"

urlpatterns = [
    path("tickets/<int:ticket_id>/chat/messages/", views.messages, name="messages"),
    path("tickets/<int:ticket_id>/chat/read/", views.read, name="read"),
    path("chat/console/", views.console, name="console"),
    path("chat/console/feed/", views.console_feed, name="console_feed"),
]
