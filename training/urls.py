from django.urls import path

from training import views

app_name = "training"

urlpatterns = [
    path("", views.index, name="index"),
    path("plans/<int:pk>/", views.plan, name="plan"),
    path("plans/<int:pk>/sessions/new/", views.session_new, name="session_new"),
    path("sessions/<int:pk>/", views.session, name="session"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:pk>/invite/", views.invite, name="invite"),
    path("sessions/<int:pk>/enrol/", views.enrol, name="enrol"),
    path("sessions/<int:pk>/attendance/", views.correct, name="correct"),
    path("sign-in/<str:token>/", views.sign_in, name="sign_in"),
    path("materials/", views.materials, name="materials"),
    path("materials/<int:pk>/", views.material, name="material"),
    path("materials/<int:pk>/download/", views.download, name="download"),
    path("materials/<int:pk>/v<int:number>/", views.download_version, name="download_version"),
    path("needs/", views.needs, name="needs"),
]
