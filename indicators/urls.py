from django.urls import path

from indicators import views

app_name = "indicators"

urlpatterns = [
    path("", views.overview, name="index"),
    path("counties/<str:code>/", views.county, name="county"),
    path("counties/<str:code>/enter/", views.enter, name="enter"),
    path("tree/", views.tree, name="tree"),
    path("tree/<int:year>/new/", views.indicator_new, name="indicator_new"),
    path("tree/copy/", views.tree_copy, name="tree_copy"),
    path("indicators/<int:pk>/", views.indicator_edit, name="indicator_edit"),
    path("indicators/<int:pk>/delete/", views.indicator_delete, name="indicator_delete"),
    path("import/", views.import_sheet, name="import"),
    path("import/template.xlsx", views.template_download, name="template"),
    path("import/sample.xlsx", views.sample_download, name="sample"),
    path("findings/", views.findings, name="findings"),
    path("findings/new/", views.finding_new, name="finding_new"),
    path("findings/<int:pk>/", views.finding, name="finding"),
    path("findings/<int:pk>/sign/", views.finding_sign, name="finding_sign"),
    path("findings/<int:pk>/rectify/", views.finding_rectify, name="finding_rectify"),
]
