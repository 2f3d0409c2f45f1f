from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from helpdesk_site.tickets import scope
from keywork import rules, selectors, services
from keywork.forms import (
    BoardFilterForm,
    CompleteForm,
    ItemForm,
    MilestoneEditForm,
    MilestoneForm,
    ReasonForm,
    SubmitForm,
    UpdateForm,
)

PAGE_SIZE = 20


def _visible(user):
    if not scope.sees_key_work(user):
        raise PermissionDenied(_("Key work is for supervisors, operators and owner departments."))


@login_required
def index(request):
    """The board: a card per county with its items' progress, then the
    items themselves, filtered by year, kind, status and county."""
    user = request.user
    _visible(user)
    years = selectors.years(user)
    regions = selectors.board_regions(user)
    data = request.GET.copy()
    data.setdefault("year", str(timezone.localdate().year))
    form = BoardFilterForm(data, years=years, regions=regions)
    items = selectors.items_for(user)
    status = 200
    if form.is_valid():
        chosen = form.cleaned_data
    else:
        chosen, status = {"year": timezone.localdate().year}, 400
    # The board counts every county for the year and kind; the list narrows further.
    board_items = selectors.filtered(items, year=chosen.get("year"), kind=chosen.get("kind", ""))
    listed = selectors.filtered(
        board_items,
        status=chosen.get("status", ""),
        county=chosen.get("county", ""),
        text=(chosen.get("q") or "").strip(),
    ).order_by(selectors.closed_last(), "due_date", "id")
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    county_query = request.GET.copy()
    for key in ("county", "page"):
        county_query.pop(key, None)
    return render(
        request,
        "keywork/index.html",
        {
            "form": form,
            "board": selectors.board(board_items, user),
            "page": page,
            "late_ids": selectors.late_ids(listed),
            "query": query.urlencode(),
            "county_query": county_query.urlencode(),
            "chosen_county": chosen.get("county", ""),
            "enters": scope.enters_key_work(user),
            "prefecture_code": selectors.PREFECTURE_CODE,
        },
        status=status,
    )


def _item_form(request, data=None, **kwargs):
    return ItemForm(
        data,
        regions=selectors.owner_regions_for(request.user),
        departments=selectors.departments_for(request.user),
        **kwargs,
    )


@login_required
def new(request):
    if not scope.enters_key_work(request.user):
        raise PermissionDenied(_("Key work is entered by supervisors."))
    status = 200
    if request.method == "POST":
        form = _item_form(request, request.POST)
        if form.is_valid():
            try:
                item = services.create_item(request.user, **form.cleaned_data)
            except ValidationError as refusal:
                form.add_error(None, refusal)
            else:
                messages.success(
                    request,
                    _("Entered as %(number)s: add its milestones.") % {"number": item.number},
                )
                return redirect("keywork:detail", pk=item.pk)
        status = 400
    else:
        form = _item_form(request)
    return render(request, "keywork/edit.html", {"form": form}, status=status)


@login_required
def edit(request, pk):
    item = selectors.item_or_404(request.user, pk)
    if not scope.edits_key_work(request.user, item):
        raise PermissionDenied(_("Only the supervisors of the owner county may change this item."))
    status = 200
    if request.method == "POST":
        form = _item_form(request, request.POST)
        if form.is_valid():
            try:
                services.edit_item(item, request.user, **form.cleaned_data)
            except ValidationError as refusal:
                form.add_error(None, refusal)
            else:
                messages.success(request, _("Saved."))
                return redirect("keywork:detail", pk=item.pk)
        status = 400
    else:
        fields = ("title", "kind", "year", "goal", "source_title", "source_number")
        initial = {name: getattr(item, name) for name in fields}
        initial |= {
            "source_issuer": item.source_issuer,
            "region": item.region_id,
            "department": item.department_id,
            "due_date": item.due_date,
        }
        form = _item_form(request, initial=initial)
    return render(request, "keywork/edit.html", {"form": form, "item": item}, status=status)


def _detail(request, item, status=200, **forms):
    user = request.user
    today = timezone.localdate()
    edits = scope.edits_key_work(user, item)
    reports = scope.reports_key_work_progress(user, item)
    milestones = selectors.milestones_of(item)
    return render(
        request,
        "keywork/detail.html",
        {
            "item": item,
            "milestones": milestones,
            "overdue_milestones": {
                m.pk for m in milestones if not m.is_done and rules.is_past(m.deadline, today)
            },
            "progress": rules.progress(sum(m.is_done for m in milestones), len(milestones)),
            "timeline": selectors.timeline(item),
            "late": item.pk in selectors.late_ids(selectors.items_for(user).filter(pk=item.pk)),
            "edits": edits,
            "reports": reports and item.is_open,
            "actions": [a.value for a in rules.allowed_actions(item.status)] if edits else [],
            "update_form": forms.get("update") or UpdateForm(item=item),
            "submit_form": forms.get("submit") or SubmitForm(),
            "milestone_form": forms.get("milestone") or MilestoneForm(),
            "complete_form": forms.get("complete") or CompleteForm(),
            "cancel_form": forms.get("cancel") or ReasonForm(),
            "reopen_form": forms.get("reopen") or ReasonForm(),
            "open_form": next(iter(forms), ""),
        },
        status=status,
    )


@login_required
def detail(request, pk):
    return _detail(request, selectors.item_or_404(request.user, pk))


def _act(request, pk, name, form, service, done_message, **form_kwargs):
    """One of the item page's forms: the service on a valid form, else the
    page again with the form's errors (400); a refusal is said at the top."""
    item = selectors.item_or_404(request.user, pk)
    bound = form(request.POST, request.FILES, **form_kwargs) if form else None
    if bound is None or bound.is_valid():
        try:
            service(item, request.user, **(bound.cleaned_data if bound else {}))
        except ValidationError as refusal:
            messages.error(request, "；".join(refusal.messages))
            if bound is not None:
                bound.add_error(None, refusal)
        else:
            messages.success(request, done_message)
            return redirect("keywork:detail", pk=item.pk)
    item = selectors.item_or_404(request.user, pk)
    return _detail(request, item, status=400, **({name: bound} if bound else {}))


@login_required
@require_POST
def post_update(request, pk):
    item = selectors.item_or_404(request.user, pk)
    return _act(
        request, pk, "update", UpdateForm, services.post_update, _("Progress posted."), item=item
    )


@login_required
@require_POST
def submit(request, pk):
    return _act(
        request, pk, "submit", SubmitForm, services.submit_material, _("Material submitted.")
    )


@login_required
@require_POST
def add_milestone(request, pk):
    return _act(
        request, pk, "milestone", MilestoneForm, services.add_milestone, _("Milestone added.")
    )


@login_required
def edit_milestone(request, pk, milestone):
    """A milestone's title, deadline and owner, changed by the item's editors."""
    item = selectors.item_or_404(request.user, pk)
    found = get_object_or_404(item.milestones.select_related("owner"), pk=milestone)
    if not scope.edits_key_work(request.user, item):
        raise PermissionDenied(_("Only the supervisors of the owner county may change this item."))
    kwargs = {
        "departments": selectors.milestone_owners_for(request.user, item),
        "item_owner": item.owner,
    }
    status = 200
    if request.method == "POST":
        form = MilestoneEditForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                services.edit_milestone(item, found, request.user, **form.cleaned_data)
            except ValidationError as refusal:
                form.add_error(None, refusal)
            else:
                messages.success(request, _("Milestone saved."))
                return redirect("keywork:detail", pk=item.pk)
        status = 400
    else:
        initial = {"title": found.title, "deadline": found.deadline, "owner": found.owner_id}
        form = MilestoneEditForm(initial=initial, **kwargs)
    return render(
        request,
        "keywork/milestone_edit.html",
        {"form": form, "item": item, "milestone": found},
        status=status,
    )


@login_required
@require_POST
def reach(request, pk, milestone):
    item = selectors.item_or_404(request.user, pk)
    found = get_object_or_404(item.milestones, pk=milestone)

    def service(item, user):
        return services.reach_milestone(item, found, user)

    return _act(request, pk, "", None, service, _("Milestone reached."))


@login_required
@require_POST
def start(request, pk):
    return _act(request, pk, "", None, services.start, _("Marked as in progress."))


@login_required
@require_POST
def complete(request, pk):
    return _act(
        request,
        pk,
        "complete",
        CompleteForm,
        services.complete,
        pgettext("key work", "Marked as done."),
    )


@login_required
@require_POST
def cancel(request, pk):
    return _act(request, pk, "cancel", ReasonForm, services.cancel, _("The item was cancelled."))


@login_required
@require_POST
def reopen(request, pk):
    return _act(request, pk, "reopen", ReasonForm, services.reopen, _("The item was reopened."))


@login_required
def download(request, pk):
    attachment = selectors.attachment_or_404(request.user, pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type or "application/octet-stream",
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
