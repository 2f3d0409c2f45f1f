import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk_site.tickets import scope as ticket_scope
from inspections import selectors, services
from inspections.forms import ItemFormSet, PlanForm, RunForm
from inspections.models import Answer, AnswerKind, Plan, RunStatus
from reporting import svgcharts

RECENT_RUNS = 50
TO_DO_SHOWN = 20
STATUS_FILTERS = ("pending", "done", "missed", "late")


def _reader(user):
    if not ticket_scope.sees_inspections(user):
        raise PermissionDenied(_("Inspections are for operators, supervisors and administrators."))


@login_required
def index(request):
    _reader(request.user)
    runs = selectors.runs_for(request.user)
    shown = request.GET.get("status", "")
    listed = runs
    if shown == "late":
        listed = runs.filter(status=RunStatus.DONE, late=True)
    elif shown in STATUS_FILTERS:
        listed = runs.filter(status=shown)
    else:
        shown = ""
    today = timezone.localdate()
    return render(
        request,
        "inspections/index.html",
        {
            "to_do": runs.filter(status__in=[RunStatus.PENDING, RunStatus.MISSED])
            .filter(operator=request.user)
            .order_by("due_on", "plan__name")[:TO_DO_SHOWN],
            "runs": listed[:RECENT_RUNS],
            "counts": selectors.status_counts(runs),
            "shown": shown,
            "plans": selectors.plans_for(request.user),
            "may_configure": ticket_scope.configures_inspections(request.user),
            "today": today,
        },
    )


def _save_plan(request, plan: Plan | None):
    if not ticket_scope.configures_inspections(request.user):
        raise PermissionDenied(_("Supervisors and administrators set up inspection plans."))
    form = PlanForm(request.POST or None, instance=plan, user=request.user)
    items = ItemFormSet(request.POST or None, instance=plan or Plan(), prefix="items")
    status = 200
    if request.method == "POST":
        if form.is_valid() and items.is_valid():
            deleted = items.deleted_forms
            kept = [
                f.instance
                for f in items.forms
                if f not in deleted and (f.instance.pk or f.has_changed())
            ]
            removed = [f.instance for f in items.deleted_forms if f.instance.pk]
            try:
                with transaction.atomic():
                    saved = services.save_plan(request.user, form.save(commit=False), kept, removed)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Inspection plan saved."))
                return redirect("inspections:plan", pk=saved.pk)
        status = 400
    return render(
        request,
        "inspections/plan_form.html",
        {"form": form, "items": items, "plan": plan},
        status=status,
    )


@login_required
def plan_new(request):
    return _save_plan(request, None)


@login_required
def plan_edit(request, pk):
    plan = selectors.plan_for(request.user, pk)
    if not ticket_scope.configures_inspections(request.user, plan.department):
        raise PermissionDenied(_("Supervisors and administrators set up inspection plans."))
    return _save_plan(request, plan)


@login_required
def plan_detail(request, pk):
    _reader(request.user)
    plan = selectors.plan_for(request.user, pk)
    runs = selectors.runs_for(request.user).filter(plan=plan)
    return render(
        request,
        "inspections/plan.html",
        {
            "plan": plan,
            "items": plan.items.all(),
            "runs": runs[:RECENT_RUNS],
            "counts": selectors.status_counts(runs),
            "may_configure": ticket_scope.configures_inspections(request.user, plan.department),
        },
    )


@login_required
def run_detail(request, pk):
    _reader(request.user)
    run = selectors.run_for(request.user, pk)
    may_record = run.status != RunStatus.DONE and ticket_scope.may_record_run(request.user, run)
    form, status = None, 200
    if may_record:
        form = RunForm(
            request.POST or None,
            request.FILES or None,
            items=selectors.items_of(run.plan),
            counties=selectors.counties(),
        )
        if request.method == "POST":
            if form.is_valid():
                try:
                    services.record_run(
                        run, request.user, form.answers(), note=form.cleaned_data["note"]
                    )
                except ValidationError as error:
                    _form_errors(form, error)
                else:
                    found = run.answers.filter(abnormal=True).count()
                    if found:
                        messages.warning(
                            request,
                            _("Inspection recorded: %(n)d abnormal, tickets filed or updated.")
                            % {"n": found},
                        )
                    else:
                        messages.success(request, _("Inspection recorded: everything normal."))
                    return redirect("inspections:run", pk=run.pk)
            status = 400
    elif request.method == "POST":
        raise PermissionDenied(_("Only the operator responsible records this inspection."))
    return render(
        request,
        "inspections/run.html",
        {"run": run, "form": form, "answers": selectors.answers_of(run, request.user)},
        status=status,
    )


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for item_id, problems in error.error_dict.items():
            key = f"item_{item_id}"
            for problem in problems:
                form.add_error(key if key in form.fields else None, problem)
    else:
        form.add_error(None, error)


@login_required
def item_trend(request, pk):
    _reader(request.user)
    item = selectors.item_for(request.user, pk)
    context = {"item": item, "plan": item.plan}
    if item.kind == AnswerKind.COUNTY_NUMBERS:
        weeks, rows = selectors.county_weeks(item)
        latest = [
            svgcharts.Point(
                row["county"].name,
                next((n for n in row["counts"] if n is not None), 0),
                row["county"].code,
            )
            for row in rows
        ]
        context |= {"weeks": weeks, "rows": rows, "chart": svgcharts.rows(latest, label_width=70)}
    else:
        history = selectors.item_history(item)
        context["history"] = history
        if item.kind == AnswerKind.NUMBER:
            points = [
                svgcharts.Point(f"{p.run.due_on:%m-%d}", float(p.answer.number or 0), str(p.run.pk))
                for p in history
            ]
            context["chart"] = svgcharts.columns(points, height=140)
    return render(request, "inspections/item.html", context)


@login_required
def answer_file(request, pk):
    """A screenshot, to those who see its run."""
    answer = (
        Answer.objects.filter(pk=pk, run__in=ticket_scope.visible_runs(request.user).values("pk"))
        .exclude(file="")
        .first()
    )
    if answer is None:
        raise Http404
    content_type = answer.file_type or mimetypes.guess_type(answer.file.name)[0]
    response = FileResponse(
        answer.file.open("rb"),
        as_attachment=False,
        filename=answer.file.name.rsplit("/", 1)[-1],
        content_type=content_type or "application/octet-stream",
    )
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response
