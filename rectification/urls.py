from django.urls import path

from rectification import views

app_name = "rectification"

urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("proposals/", views.proposals, name="proposals"),
    path("proposals/accept/", views.accept, name="accept"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/start/", views.start, name="start"),
    path("<int:pk>/complete/", views.complete, name="complete"),
    path("<int:pk>/extend/", views.extend, name="extend"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
]
