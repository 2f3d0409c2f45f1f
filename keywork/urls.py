from django.urls import path

from keywork import views

app_name = "keywork"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/update/", views.post_update, name="update"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/milestones/", views.add_milestone, name="add_milestone"),
    path("<int:pk>/milestones/<int:milestone>/reach/", views.reach, name="reach"),
    path(
        "<int:pk>/milestones/<int:milestone>/edit/",
        views.edit_milestone,
        name="edit_milestone",
    ),
    path("<int:pk>/start/", views.start, name="start"),
    path("<int:pk>/complete/", views.complete, name="complete"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/reopen/", views.reopen, name="reopen"),
    path("files/<int:pk>/", views.download, name="download"),
]
