from django.urls import path

from helpdesk_site.satisfaction import views

app_name = "satisfaction"

urlpatterns = [
    path("rate/<int:ticket_id>/", views.rate, name="rate"),
    path("follow-ups/", views.follow_up_list, name="follow_ups"),
    path("follow-ups/<int:pk>/", views.follow_up_detail, name="follow_up"),
]
