from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from helpdesk_site.tickets import scope
from kb import search, selectors, services
from kb.forms import DeflectionForm, FaqForm, FromTicketForm, ReviewForm, SearchForm, VoteForm
from kb.models import FaqState, SearchMiss

SUGGESTIONS = 5


def faq_search(request):
    """FAQ search and list: everyone; operators and supervisors also see tickets."""
    form = SearchForm(request.GET or None)
    faqs, tickets, query = [], [], ""
    if form.is_valid():
        query = form.cleaned_data["q"]
        filters = {
            "subsystem": form.cleaned_data["subsystem"],
            "category": form.cleaned_data["category"],
        }
        if query:
            faqs = search.search_faqs(query, user=request.user, limit=20, **filters)
            if search.may_search_tickets(request.user):
                tickets = search.search_tickets(query, user=request.user, limit=10, **filters)
            if not any(hit.confident for hit in faqs):
                services.record_search_miss(
                    query=query, where=SearchMiss.Where.SEARCH_PAGE, user=request.user
                )
    status = 400 if form.is_bound and not form.is_valid() else 200
    latest = (
        [] if query else selectors.readable_faqs(request.user).filter(state=FaqState.PUBLISHED)[:20]
    )
    return render(
        request,
        "kb/search.html",
        {"form": form, "query": query, "faqs": faqs, "tickets": tickets, "latest": latest},
        status=status,
    )


def faq_detail(request, faq_id):
    faq = selectors.readable_faq_or_404(request.user, faq_id)
    context = {
        "faq": faq,
        "source_tickets": selectors.source_tickets(request.user, faq),
        "source_count": faq.source_tickets.count(),
        "can_write": services.can_write(request.user),
        "can_review": services.can_review(request.user),
        "review_form": ReviewForm(),
    }
    return render(request, "kb/detail.html", context)


@require_POST
def faq_vote(request, faq_id):
    faq = selectors.readable_faq_or_404(request.user, faq_id)
    form = VoteForm(request.POST)
    if not form.is_valid() or faq.state != FaqState.PUBLISHED:
        messages.error(request, _("That vote could not be counted."))
        return redirect("kb:detail", faq.pk)
    if not request.session.session_key:
        request.session.save()
    services.record_feedback(
        faq=faq,
        user=request.user,
        session_key=request.session.session_key,
        helpful=form.cleaned_data["helpful"],
    )
    messages.success(request, _("Thank you for your feedback."))
    return redirect("kb:detail", faq.pk)


def _faq_form_initial(faq):
    return {
        "question": faq.question,
        "answer": faq.answer,
        "subsystem": faq.subsystem,
        "category": faq.category,
        "is_public": faq.is_public,
    }


@login_required
def faq_new(request):
    if not services.can_write(request.user):
        raise PermissionDenied(_("Only operators and reviewers write FAQs."))
    form = FaqForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        faq = services.create_draft(user=request.user, **form.cleaned_data)
        messages.success(request, _("Draft saved."))
        return redirect("kb:detail", faq.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "kb/form.html",
        {"form": form, "from_ticket": FromTicketForm()},
        status=status,
    )


@login_required
def faq_edit(request, faq_id):
    faq = selectors.readable_faq_or_404(request.user, faq_id)
    form = FaqForm(request.POST or None, initial=_faq_form_initial(faq))
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_faq(user=request.user, faq=faq, **form.cleaned_data)
        except services.LifecycleError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("FAQ saved."))
        return redirect("kb:detail", faq.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "kb/form.html", {"form": form, "faq": faq}, status=status)


@login_required
@require_POST
def faq_from_ticket(request):
    """Turn a resolved ticket (in the operator's scope) into a draft."""
    form = FromTicketForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a ticket number."))
        return redirect("kb:new")
    ticket = scope.get_visible_ticket_or_404(request.user, form.cleaned_data["ticket"])
    try:
        faq = services.create_draft_from_ticket(user=request.user, ticket=ticket)
    except services.LifecycleError as error:
        messages.error(request, str(error))
        return redirect("kb:new")
    messages.success(request, _("Draft created from ticket #%(id)s.") % {"id": ticket.pk})
    return redirect("kb:edit", faq.pk)


TRANSITIONS = {
    "submit": (services.submit_for_review, _("Sent for review.")),
    "publish": (services.publish, _("Published.")),
    "send_back": (services.send_back, _("Sent back to the author.")),
    "retire": (services.retire, _("Retired.")),
    "checked": (services.mark_checked, _("Marked as checked today.")),
}


@login_required
@require_POST
def faq_transition(request, faq_id, action):
    faq = selectors.readable_faq_or_404(request.user, faq_id)
    if action not in TRANSITIONS:
        return redirect("kb:detail", faq.pk)
    change, done = TRANSITIONS[action]
    form = ReviewForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    kwargs = {"note": note} if action in ("publish", "send_back", "retire") else {}
    try:
        change(user=request.user, faq=faq, **kwargs)
    except services.LifecycleError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect("kb:detail", faq.pk)


@login_required
def review_queue(request):
    if not services.can_write(request.user):
        raise PermissionDenied(_("Only operators and reviewers see the review queue."))
    context = selectors.review_queue(request.user)
    context["can_review"] = services.can_review(request.user)
    return render(request, "kb/review.html", context)


@login_required
def candidates(request):
    if not scope.works_tickets(request.user):
        raise PermissionDenied(_("Only operators see FAQ candidates."))
    return render(
        request, "kb/candidates.html", {"candidates": selectors.open_candidates(request.user)}
    )


@login_required
@require_POST
def candidate_decide(request, candidate_id, action):
    candidate = selectors.open_candidate_or_404(request.user, candidate_id)
    if action == "accept":
        faq = services.accept_candidate(user=request.user, candidate=candidate)
        messages.success(request, _("Draft created from %(n)s tickets.") % {"n": candidate.size})
        return redirect("kb:edit", faq.pk)
    if action == "dismiss":
        services.dismiss_candidate(user=request.user, candidate=candidate)
        messages.success(request, _("Candidate dismissed."))
    return redirect("kb:candidates")


@require_GET
def suggest(request):
    """FAQs matching what a reporter is typing on the filing form (JSON)."""
    # A NUL is no part of a search and the database refuses it (a 500).
    query = request.GET.get("q", "").replace("\x00", "")[:300]
    subsystem = request.GET.get("subsystem", "").replace("\x00", "")[:40]
    hits = search.search_faqs(query, user=request.user, subsystem=subsystem, limit=SUGGESTIONS)
    hits = [hit for hit in hits if hit.confident]
    if not hits and subsystem:
        hits = [
            hit
            for hit in search.search_faqs(query, user=request.user, limit=SUGGESTIONS)
            if hit.confident
        ]
    if not hits and request.GET.get("final") == "1":
        services.record_search_miss(
            query=query, where=SearchMiss.Where.FILING_FORM, user=request.user
        )
    return JsonResponse(
        {
            "results": [
                {"id": h.id, "title": h.title, "snippet": str(h.snippet), "url": h.url}
                for h in hits
            ]
        }
    )


@login_required
@require_POST
def deflect(request):
    """ "This solved it": the reporter stops filing; we count a deflected ticket."""
    form = DeflectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That answer could not be recorded."))
        return redirect("tickets:new")
    faq = selectors.readable_faq_or_404(request.user, form.cleaned_data["faq"])
    if faq.state != FaqState.PUBLISHED:
        messages.error(request, _("That answer could not be recorded."))
        return redirect("tickets:new")
    services.record_deflection(
        faq=faq,
        user=request.user,
        query=form.cleaned_data["q"],
        subsystem=form.cleaned_data["subsystem"],
    )
    messages.success(request, _("Glad it is solved. No ticket was filed."))
    return redirect("kb:detail", faq.pk)
