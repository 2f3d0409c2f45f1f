from django.urls import path

from helpdesk_site.notices import views

app_name = "notices"

urlpatterns = [
    path("", views.notice_list, name="list"),
    path("read/", views.mark_all_read, name="read_all"),
    path("<int:notice_id>/read/", views.mark_read, name="read"),
]
