from django.urls import path

from quizzes import views

app_name = "quizzes"

urlpatterns = [
    path("", views.index, name="index"),
    path("questions/", views.bank, name="bank"),
    path("questions/new/", views.question_new, name="question_new"),
    path("questions/import/", views.question_import, name="question_import"),
    path("questions/import/template.xlsx", views.import_template, name="import_template"),
    path("questions/<int:pk>/", views.question, name="question"),
    path("questions/<int:pk>/publish/", views.question_publish, name="question_publish"),
    path("questions/<int:pk>/retire/", views.question_retire, name="question_retire"),
    path("questions/from-faq/", views.faqs, name="faqs"),
    path("questions/from-faq/<int:faq_id>/", views.draft_from_faq, name="draft_from_faq"),
    path("session/<int:session_id>/", views.session_quiz, name="session"),
    path("scores/", views.scores, name="scores"),
    path("<int:pk>/", views.quiz, name="quiz"),
    path("<int:pk>/open/", views.quiz_open, name="open"),
    path("<int:pk>/start/", views.start, name="start"),
    path("<int:pk>/results/", views.results, name="results"),
    path("<int:pk>/passes/", views.passes, name="passes"),
    path("<int:pk>/certificate/<int:user_id>/", views.certificate, name="certificate"),
    path("attempts/<int:pk>/", views.attempt, name="attempt"),
    path("attempts/<int:pk>/save/", views.save, name="save"),
    path("attempts/<int:pk>/submit/", views.submit, name="submit"),
]
