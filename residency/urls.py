from django.urls import path

from residency import views

app_name = "residency"

urlpatterns = [
    path("", views.engineer_list, name="list"),
    path("engineers/<int:pk>/", views.engineer_detail, name="engineer"),
    path("engineers/<int:pk>/assess/", views.assess, name="assess"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment"),
]
