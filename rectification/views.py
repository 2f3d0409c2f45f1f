from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk_site import lists
from helpdesk_site.tickets import scope as ticket_scope
from rectification import rules, selectors, services
from rectification.filters import LedgerFilter
from rectification.forms import (
    CompleteForm,
    ExtendForm,
    ItemForm,
    WeakSpotForm,
    WithdrawForm,
)
from rectification.models import Dimension, Status
from reporting.forms import PeriodForm
from reporting.selectors import Filters

PAGE_SIZE = 20


def _root(user):
    root = ticket_scope.reported_region(user)
    if root is None:
        raise PermissionDenied(_("The rectification ledger is for supervisors."))
    return root


def _bad(request, message):
    return render(request, "rectification/bad_request.html", {"message": message}, status=400)


def _period_filters(request, data):
    """The report period and region named in the request, or an error text."""
    form = PeriodForm(data, root=_root(request.user))
    if not form.is_valid():
        errors = "；".join(str(e) for errors in form.errors.values() for e in errors)
        return None, errors or _("Choose a period and a region.")
    return Filters(
        period=form.cleaned_data["period"], region=form.cleaned_data["report_region"]
    ), ""


def _weak_spot(request, data):
    filters, error = _period_filters(request, data)
    if filters is None:
        return None, error
    which = WeakSpotForm(data)
    if not which.is_valid():
        return None, _("Unknown weak spot.")
    spot = selectors.weak_spot(filters, which.cleaned_data["dimension"], which.cleaned_data["key"])
    if spot is None:
        return None, _("This weak spot has no figures in the chosen period and region.")
    if not spot.group.missed:
        return None, services.nothing_late_message()
    return spot, ""


@login_required
def ledger(request):
    root = _root(request.user)
    departments = selectors.departments_for(request.user)
    items = selectors.items_for(request.user)
    counts = selectors.status_counts(items)
    listing = lists.filtered_page(
        request, LedgerFilter, items, per_page=PAGE_SIZE, departments=departments
    )
    return render(
        request,
        "rectification/ledger.html",
        {
            "root": root,
            "form": listing.form,
            "page": listing.page,
            "query": listing.query,
            "counts": [(s, s.label, counts[s.value]) for s in Status],
            "total": sum(counts.values()),
        },
        status=listing.status,
    )


@login_required
def proposals(request):
    """The period's five weakest spots not yet in the ledger."""
    root = _root(request.user)
    data = request.GET if "kind" in request.GET else {"kind": "month"}
    form = PeriodForm(data, root=root)
    if not form.is_valid():
        return render(request, "rectification/proposals.html", {"form": form}, status=400)
    filters = Filters(period=form.cleaned_data["period"], region=form.cleaned_data["report_region"])
    spots = selectors.proposals(filters)
    rows = [
        {
            "spot": spot,
            "department": selectors.suggested_department(spot),
            "query": urlencode(
                {
                    "kind": filters.period.kind,
                    "date": filters.period.start.isoformat(),
                    "region": filters.region.code,
                    "dimension": spot.group.dimension,
                    "key": spot.group.key,
                }
            ),
        }
        for spot in spots
    ]
    return render(
        request,
        "rectification/proposals.html",
        {
            "form": form,
            "filters": filters,
            "rows": rows,
            "in_ledger": selectors.period_items(filters.region, filters.period).filter(
                region=filters.region
            ),
            "default_days": rules.DEFAULT_WORKING_DAYS,
        },
    )


@login_required
def new(request):
    """Turn one weak spot into an item: the dashboard's and the proposals'
    links lead here with the period, region and group in the query."""
    _root(request.user)
    spot, error = _weak_spot(request, request.GET)
    if spot is None:
        return _bad(request, error)
    existing = selectors.in_ledger(spot.filters.region, spot.filters.period).get(spot.key)
    if existing is not None:
        messages.info(request, _("This weak spot is already in the ledger."))
        return redirect("rectification:detail", pk=existing.pk)
    departments = selectors.departments_for(request.user)
    if request.method == "POST":
        form = ItemForm(request.POST, departments=departments)
        if form.is_valid():
            data = form.cleaned_data
            try:
                item = services.create_from_weak_spot(
                    spot,
                    request.user,
                    department=data["department"],
                    measures=data["measures"],
                    working_days=data["working_days"],
                    finding=data["finding"],
                )
            except ValidationError as refusal:
                form.add_error(None, refusal)
            else:
                messages.success(
                    request,
                    _("Entered in the ledger as %(number)s, due %(deadline)s.")
                    % {"number": item.number, "deadline": item.deadline.strftime("%Y-%m-%d")},
                )
                return redirect("rectification:detail", pk=item.pk)
        status = 400
    else:
        department = selectors.suggested_department(spot)
        form = ItemForm(
            initial={
                "finding": spot.evidence,
                "measures": spot.advice,
                "department": department.pk if department else None,
                "working_days": rules.DEFAULT_WORKING_DAYS,
            },
            departments=departments,
        )
        status = 200
    return render(
        request,
        "rectification/new.html",
        {"spot": spot, "form": form, "query": request.GET.urlencode()},
        status=status,
    )


@login_required
@require_POST
def accept(request):
    """Take a proposal as it stands."""
    _root(request.user)
    spot, error = _weak_spot(request, request.POST)
    if spot is None:
        return _bad(request, error)
    try:
        item = services.accept_proposal(spot, request.user)
    except ValidationError as refusal:
        return _bad(request, "；".join(refusal.messages))
    messages.success(
        request,
        _("Entered in the ledger as %(number)s, due %(deadline)s.")
        % {"number": item.number, "deadline": item.deadline.strftime("%Y-%m-%d")},
    )
    return redirect("rectification:detail", pk=item.pk)


def _detail_context(request, item, **forms):
    dashboard = urlencode(
        {"kind": item.period_kind, "date": item.period_start.isoformat(), "region": item.region_id}
    )
    key = urlencode({"figure": "group", "key": f"{item.dimension}:{item.group_key}"})
    return {
        "item": item,
        "history": selectors.history(item),
        "actions": [a.value for a in rules.allowed_actions(rules.Status(item.status))],
        "complete_form": forms.get("complete") or CompleteForm(),
        "extend_form": forms.get("extend") or ExtendForm(),
        "withdraw_form": forms.get("withdraw") or WithdrawForm(),
        "open_form": next(iter(forms), ""),
        "dashboard_query": dashboard,
        "tickets_url": f"{reverse('reporting:tickets')}?{dashboard}&{key}",
        # An indicator finding leads back to its page, not to report figures.
        "source_url": item.evidence.get("link", "")
        if item.dimension == Dimension.INDICATOR
        else "",
        "late": item.is_open and rules.is_past(item.deadline, timezone.localdate()),
    }


@login_required
def detail(request, pk):
    _root(request.user)
    item = selectors.item_or_404(request.user, pk)
    return render(request, "rectification/detail.html", _detail_context(request, item))


@login_required
@require_POST
def start(request, pk):
    _root(request.user)
    item = selectors.item_or_404(request.user, pk)
    try:
        services.start(item, request.user)
    except ValidationError as refusal:
        messages.error(request, "；".join(refusal.messages))
        return render(
            request, "rectification/detail.html", _detail_context(request, item), status=400
        )
    messages.success(request, _("Marked as being rectified."))
    return redirect("rectification:detail", pk=item.pk)


def _act(request, pk, name, form_class, service, done_message):
    """One of the item page's forms: the service on a valid form, else the
    page again with the form's errors (400)."""
    _root(request.user)
    item = selectors.item_or_404(request.user, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            service(item, request.user, **form.cleaned_data)
        except ValidationError as refusal:
            # Said at the top: the form may be gone with the status it needs.
            messages.error(request, "；".join(refusal.messages))
        else:
            messages.success(request, done_message)
            return redirect("rectification:detail", pk=item.pk)
    return render(
        request,
        "rectification/detail.html",
        _detail_context(request, item, **{name: form}),
        status=400,
    )


@login_required
@require_POST
def complete(request, pk):
    return _act(request, pk, "complete", CompleteForm, services.complete, _("Marked as done."))


@login_required
@require_POST
def extend(request, pk):
    return _act(request, pk, "extend", ExtendForm, services.extend, _("The deadline was extended."))


@login_required
@require_POST
def withdraw(request, pk):
    return _act(
        request, pk, "withdraw", WithdrawForm, services.withdraw, _("The item was withdrawn.")
    )
