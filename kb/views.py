from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from helpdesk_site.chat import ratelimit
from helpdesk_site.people.addresses import client_address
from helpdesk_site.tickets import scope
from kb import faqs, feedback, permissions, search, selectors, services
from kb import gaps as knowledge_gaps
from kb.forms import (
    DeflectionForm,
    FaqForm,
    FromTicketForm,
    GapForm,
    ReviewForm,
    SearchForm,
    VoteForm,
)
from kb.models import FaqState, SearchMiss

SUGGESTIONS = 5


def _has_junk(request) -> bool:
    for data in (request.GET, request.POST):
        for key, values in data.lists():
            if any(search.clean(value) != value for value in (key, *values)):
                return True
    return False


def refuse_junk(view):
    """A NUL or another control character in any parameter is no request a
    person made: a 400 before anything is read or stored (JSON for the
    suggestions)."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        if _has_junk(request):
            message = _("The request contains invalid characters.")
            if view.__name__ == "suggest":
                return JsonResponse({"error": message}, status=400)
            return HttpResponseBadRequest(message)
        return view(request, *args, **kwargs)

    return checked


# FAQs per page of the knowledge base's home.
FAQ_PAGE_SIZE = 20


@refuse_junk
def faq_search(request):
    """FAQ search and list: everyone; operators and supervisors also find
    tickets (by words, number, phone fragment or external reference), page
    by page."""
    form = SearchForm(request.GET or None)
    faqs, tickets, query = [], None, ""
    if form.is_valid():
        query = form.cleaned_data["q"]
        filters = {
            "subsystem": form.cleaned_data["subsystem"],
            "category": form.cleaned_data["category"],
        }
        if query:
            faqs = search.search_faqs(query, user=request.user, limit=20, **filters)
            if search.may_search_tickets(request.user):
                tickets = search.search_ticket_page(
                    query, user=request.user, page=form.cleaned_data["page"] or 1, **filters
                )
            if not any(hit.confident for hit in faqs):
                feedback.record_search_miss(
                    query=query, where=SearchMiss.Where.SEARCH_PAGE, user=request.user
                )
    status = 400 if form.is_bound and not form.is_valid() else 200
    latest = None
    if not query:
        published = selectors.readable_faqs(request.user).filter(state=FaqState.PUBLISHED)
        page = form.cleaned_data.get("page") if form.is_valid() else None
        latest = Paginator(published, FAQ_PAGE_SIZE).get_page(page)
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "form": form,
        "query": query,
        "faqs": faqs,
        "tickets": tickets,
        "latest": latest,
        "params": params.urlencode(),
    }
    return render(request, "kb/search.html", context, status=status)


@refuse_junk
def faq_detail(request, faq_id):
    faq = selectors.readable_faq_or_404(request.user, faq_id)
    context = {
        "faq": faq,
        "source_tickets": selectors.source_tickets(request.user, faq),
        "source_count": faq.source_tickets.count(),
        "can_write": permissions.can_write(request.user),
        "can_review": permissions.can_review(request.user),
        "review_form": ReviewForm(),
        "origin": selectors.draft_origin(request.user, faq),
    }
    return render(request, "kb/detail.html", context)


@refuse_junk
@require_POST
def faq_vote(request, faq_id):
    faq = selectors.readable_faq_or_404(request.user, faq_id)
    form = VoteForm(request.POST)
    if not form.is_valid() or faq.state != FaqState.PUBLISHED:
        messages.error(request, _("That vote could not be counted."))
        return redirect("kb:detail", faq.pk)
    if not request.session.session_key:
        request.session.save()
    feedback.record_feedback(
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


@refuse_junk
@login_required
def faq_new(request):
    if not permissions.can_write(request.user):
        raise PermissionDenied(_("Only operators and reviewers write FAQs."))
    form = FaqForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        faq = faqs.create_draft(user=request.user, **form.cleaned_data)
        messages.success(request, _("Draft saved."))
        return redirect("kb:detail", faq.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "kb/form.html",
        {"form": form, "from_ticket": FromTicketForm()},
        status=status,
    )


@refuse_junk
@login_required
def faq_edit(request, faq_id):
    faq = selectors.readable_faq_or_404(request.user, faq_id)
    form = FaqForm(request.POST or None, initial=_faq_form_initial(faq))
    if request.method == "POST" and form.is_valid():
        try:
            faqs.edit_faq(user=request.user, faq=faq, **form.cleaned_data)
        except faqs.LifecycleError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("FAQ saved."))
        return redirect("kb:detail", faq.pk)
    status = 400 if request.method == "POST" else 200
    origin = selectors.draft_origin(request.user, faq)
    return render(
        request, "kb/form.html", {"form": form, "faq": faq, "origin": origin}, status=status
    )


@refuse_junk
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
        faq = faqs.create_draft_from_ticket(user=request.user, ticket=ticket)
    except faqs.LifecycleError as error:
        messages.error(request, str(error))
        return redirect("kb:new")
    messages.success(request, _("Draft created from ticket #%(id)s.") % {"id": ticket.pk})
    return redirect("kb:edit", faq.pk)


TRANSITIONS = {
    "submit": (faqs.submit_for_review, _("Sent for review.")),
    "publish": (faqs.publish, _("Published.")),
    "send_back": (faqs.send_back, _("Sent back to the author.")),
    "retire": (faqs.retire, _("Retired.")),
    "checked": (faqs.mark_checked, _("Marked as checked today.")),
}


@refuse_junk
@login_required
@require_POST
def faq_transition(request, faq_id, action):
    faq = selectors.readable_faq_or_404(request.user, faq_id)
    if action not in TRANSITIONS:
        return redirect("kb:detail", faq.pk)
    change, done = TRANSITIONS[action]
    form = ReviewForm(request.POST)
    valid = form.is_valid()
    note = form.cleaned_data["note"] if valid else ""
    kwargs = {"note": note} if action in ("publish", "send_back", "retire") else {}
    if action == "publish":
        kwargs["is_public"] = valid and form.cleaned_data["is_public"]
    try:
        change(user=request.user, faq=faq, **kwargs)
    except faqs.LifecycleError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect("kb:detail", faq.pk)


@refuse_junk
@login_required
def review_queue(request):
    if not permissions.can_write(request.user):
        raise PermissionDenied(_("Only operators and reviewers see the review queue."))
    context = selectors.review_queue(request.user)
    context["can_review"] = permissions.can_review(request.user)
    return render(request, "kb/review.html", context)


@refuse_junk
@login_required
def candidates(request):
    if not scope.works_tickets(request.user):
        raise PermissionDenied(_("Only operators see FAQ candidates."))
    return render(
        request,
        "kb/candidates.html",
        {
            "candidates": selectors.open_candidates(request.user),
            "window_days": settings.KB_CANDIDATE_WINDOW_DAYS,
        },
    )


@refuse_junk
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


@refuse_junk
@login_required
def gaps(request):
    """知识缺口: what people searched for and found no answer, most asked first."""
    if not permissions.can_write(request.user):
        raise PermissionDenied(_("Only operators and reviewers see knowledge gaps."))
    return render(request, "kb/gaps.html", {"gaps": selectors.knowledge_gaps()})


def _gap_key(request) -> str:
    form = GapForm(request.POST)
    if not form.is_valid():
        raise BadRequest(_("No knowledge gap was named."))
    return form.cleaned_data["key"]


@refuse_junk
@login_required
@require_POST
def gap_dismiss(request):
    try:
        knowledge_gaps.dismiss_gap(user=request.user, key=_gap_key(request))
    except knowledge_gaps.GapClosed as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Knowledge gap dismissed."))
    return redirect("kb:gaps")


@refuse_junk
@login_required
@require_POST
def gap_draft(request):
    try:
        faq = knowledge_gaps.draft_from_gap(user=request.user, key=_gap_key(request))
    except knowledge_gaps.GapClosed as error:
        messages.error(request, str(error))
        return redirect("kb:gaps")
    messages.success(request, _("Draft started from the knowledge gap; write its answer."))
    return redirect("kb:edit", faq.pk)


@refuse_junk
@require_GET
def suggest(request):
    """FAQs matching what a reporter is typing on the filing form (JSON).

    Throttled per user (per address for visitors); a visitor's request
    stores nothing."""
    who = (
        f"user:{request.user.pk}"
        if request.user.is_authenticated
        else (f"address:{client_address(request)}")
    )
    verdict = ratelimit.hit(
        f"kb-suggest:{who}", settings.KB_SUGGEST_LIMIT, settings.KB_SUGGEST_WINDOW
    )
    if not verdict.allowed:
        response = JsonResponse({"error": _("Too many requests; try again shortly.")}, status=429)
        response["Retry-After"] = str(verdict.retry_after)
        return response
    query = request.GET.get("q", "")[:300]
    subsystem = request.GET.get("subsystem", "")[:40]
    hits = search.search_faqs(query, user=request.user, subsystem=subsystem, limit=SUGGESTIONS)
    hits = [hit for hit in hits if hit.confident]
    if not hits and subsystem:
        hits = [
            hit
            for hit in search.search_faqs(query, user=request.user, limit=SUGGESTIONS)
            if hit.confident
        ]
    if not hits and request.GET.get("final") == "1" and request.user.is_authenticated:
        feedback.record_search_miss(
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


@refuse_junk
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
    feedback.record_deflection(
        faq=faq,
        user=request.user,
        query=form.cleaned_data["q"],
        subsystem=form.cleaned_data["subsystem"],
    )
    messages.success(request, _("Glad it is solved. No ticket was filed."))
    return redirect("kb:detail", faq.pk)
