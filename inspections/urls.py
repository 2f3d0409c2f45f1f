from django.urls import path

from inspections import views

app_name = "inspections"

urlpatterns = [
    path("", views.index, name="index"),
    path("plans/new/", views.plan_new, name="plan_new"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("items/<int:pk>/", views.item_trend, name="item"),
    path("answers/<int:pk>/file/", views.answer_file, name="answer_file"),
]
