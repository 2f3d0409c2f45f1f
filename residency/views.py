from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk_site.people.models import Role
from helpdesk_site.tickets import scope as ticket_scope
from residency import rules, selectors, services
from residency.forms import AssessmentForm


def _reader(user):
    """Supervisors, administrators and the engineers themselves."""
    if not (ticket_scope.reported_region(user) is not None or user.role == Role.OPERATOR):
        raise PermissionDenied(_("Assessments are for supervisors and the engineers themselves."))


@login_required
def engineer_list(request):
    _reader(request.user)
    engineers = selectors.engineers_for(request.user)
    if request.user.role == Role.OPERATOR and len(engineers) == 1:
        return redirect("residency:engineer", pk=engineers[0].pk)
    return render(
        request,
        "residency/list.html",
        {
            "standings": selectors.standings(engineers),
            "may_configure": ticket_scope.may_configure_assessments(request.user),
            "template": selectors.current_template(),
            "retake_days": rules.RETAKE_DAYS,
        },
    )


@login_required
def engineer_detail(request, pk):
    _reader(request.user)
    engineer = selectors.engineer_for(request.user, pk)
    return render(
        request,
        "residency/engineer.html",
        {
            "engineer": engineer,
            "standing": selectors.standings([engineer])[0],
            "years": selectors.history(engineer),
            "may_assess": ticket_scope.may_assess(request.user, engineer),
        },
    )


@login_required
def assess(request, pk):
    engineer = selectors.engineer_for(request.user, pk)
    if not ticket_scope.may_assess(request.user, engineer):
        raise PermissionDenied(_("You may only assess engineers posted in your region."))
    template = selectors.current_template()
    if template is None or not template.items.exists():
        return render(
            request,
            "residency/bad_request.html",
            {"message": _("An administrator has not yet set up the assessment items.")},
            status=400,
        )
    others = selectors.engineers_for(request.user).exclude(pk=engineer.pk)
    form = AssessmentForm(
        request.POST or None,
        template=template,
        engineers=others,
        today=timezone.localdate(),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                assessment = services.record_assessment(
                    engineer,
                    request.user,
                    assessed_on=data["assessed_on"],
                    period_from=data["period_from"],
                    period_to=data["period_to"],
                    manual_scores=form.manual_scores(),
                    note=data["note"],
                    replaces=data["replaces"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if assessment.passed:
                    messages.success(request, _("Assessment recorded: passed."))
                else:
                    messages.warning(
                        request,
                        _(
                            "Assessment recorded: failed. The contractor has %(n)d days to "
                            "retrain or replace the engineer and re-assess."
                        )
                        % {"n": rules.RETAKE_DAYS},
                    )
                return redirect("residency:assessment", pk=assessment.pk)
        status = 400
    return render(
        request,
        "residency/assess.html",
        {"engineer": engineer, "form": form, "template": template},
        status=status,
    )


@login_required
def assessment_detail(request, pk):
    _reader(request.user)
    assessment = selectors.assessment_for(request.user, pk)
    deadline = getattr(assessment, "deadline", None)
    return render(
        request,
        "residency/assessment.html",
        {
            "a": assessment,
            "deadline": deadline,
            "days_left": rules.days_left(deadline.due_on, timezone.localdate())
            if deadline
            else None,
        },
    )
