from django.urls import path

from kb import views

app_name = "kb"

urlpatterns = [
    path("", views.faq_search, name="search"),
    path("new/", views.faq_new, name="new"),
    path("from-ticket/", views.faq_from_ticket, name="from_ticket"),
    path("review/", views.review_queue, name="review"),
    path("suggest/", views.suggest, name="suggest"),
    path("deflect/", views.deflect, name="deflect"),
    path("candidates/", views.candidates, name="candidates"),
    path("gaps/", views.gaps, name="gaps"),
    path("gaps/dismiss/", views.gap_dismiss, name="gap_dismiss"),
    path("gaps/draft/", views.gap_draft, name="gap_draft"),
    path(
        "candidates/<int:candidate_id>/<slug:action>/",
        views.candidate_decide,
        name="candidate_decide",
    ),
    path("<int:faq_id>/", views.faq_detail, name="detail"),
    path("<int:faq_id>/edit/", views.faq_edit, name="edit"),
    path("<int:faq_id>/vote/", views.faq_vote, name="vote"),
    path("<int:faq_id>/<slug:action>/", views.faq_transition, name="transition"),
]
