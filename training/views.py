import datetime as dt

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk_site.people.models import User
from helpdesk_site.regions.models import Region
from helpdesk_site.tickets import scope
from training import rules, selectors, services
from training.forms import (
    CorrectionForm,
    FaqsForm,
    InviteForm,
    MaterialForm,
    NeedsForm,
    PlanForm,
    SessionForm,
    VersionForm,
)
from training.models import Material, MaterialVersion


def _errors(error: ValidationError) -> str:
    return "；".join(error.messages)


def _bad(request, message, status=400):
    return render(request, "training/bad_request.html", {"message": message}, status=status)


def _plan_or_404(user, pk):
    return get_object_or_404(scope.visible_training_plans(user).select_related("region"), pk=pk)


@login_required
def index(request):
    user = request.user
    now = timezone.now()
    context = {
        "invitations": selectors.invitations_for(user),
        "training": scope.visible_training_sessions(user)
        .filter(trainers=user)
        .order_by("-starts_at"),
        "plans": scope.visible_training_plans(user).select_related("region"),
        "plans_training": scope.plans_training_for(user),
        "enrolled": set(user.training_enrolments.values_list("session_id", flat=True)),
        "now": now,
    }
    status = 200
    if context["plans_training"]:
        form = PlanForm(
            request.POST or None, initial={"year": selectors.local_year(now)}, prefix="plan"
        )
        if request.method == "POST":
            if form.is_valid():
                try:
                    plan = services.create_plan(
                        user, region=scope.reported_region(user), **form.cleaned_data
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    messages.success(request, _("Training plan created."))
                    return redirect("training:plan", pk=plan.pk)
            status = 400
        context["plan_form"] = form
    elif request.method == "POST":
        raise PermissionDenied(_("Only supervisors plan training."))
    return render(request, "training/index.html", context, status=status)


@login_required
def plan(request, pk):
    plan = _plan_or_404(request.user, pk)
    now = timezone.now()
    standing = selectors.plan_standing(plan, now)
    sessions = list(selectors.plan_sessions(plan))
    by_level, by_department = selectors.attendance_by([s for s in sessions if not s.cancelled])
    return render(
        request,
        "training/plan.html",
        {
            "plan": plan,
            "standing": standing,
            "sessions": sessions,
            "now": now,
            "by_level": by_level,
            "by_department": by_department,
            "manages": scope.plans_training_for(request.user, plan.region),
            "lead_days": rules.ROUND_LEAD_WORKING_DAYS,
        },
    )


def _session_data(form) -> dict:
    data = dict(form.cleaned_data)
    data["audience_levels"] = list(data.get("audience_levels") or [])
    return data


@login_required
def session_new(request, pk):
    plan = _plan_or_404(request.user, pk)
    if not scope.plans_training_for(request.user, plan.region):
        raise PermissionDenied(_("You do not plan training for this region."))
    departments = scope.invitable_departments_of_region(request.user, plan.region)
    form = SessionForm(request.POST or None, departments=departments)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                session = services.save_session(request.user, plan=plan, data=_session_data(form))
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Session created. Now invite its audience."))
                return redirect("training:session", pk=session.pk)
        status = 400
    return render(
        request, "training/session_form.html", {"form": form, "plan": plan}, status=status
    )


@login_required
def session_edit(request, pk):
    session = scope.get_visible_session_or_404(request.user, pk)
    if not scope.manages_session(request.user, session):
        raise PermissionDenied(_("You do not manage this session."))
    departments = scope.invitable_departments_of_region(request.user, session.plan.region)
    initial = {
        "title": session.title,
        "outline": session.outline,
        "subsystems": session.subsystems.all(),
        "starts_at": timezone.localtime(session.starts_at),
        "ends_at": timezone.localtime(session.ends_at),
        "form": session.form,
        "venue": session.venue,
        "meeting_link": session.meeting_link,
        "recording_link": session.recording_link,
        "trainers": session.trainers.all(),
        "outside_trainers": session.outside_trainers,
        "audience_levels": session.audience_levels,
        "audience_departments": session.audience_departments.all(),
        "cancelled": session.cancelled,
    }
    form = SessionForm(request.POST or None, initial=initial, departments=departments)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.save_session(
                    request.user, plan=session.plan, data=_session_data(form), session=session
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Session saved."))
                return redirect("training:session", pk=session.pk)
        status = 400
    return render(
        request,
        "training/session_form.html",
        {"form": form, "plan": session.plan, "session": session},
        status=status,
    )


def _qr_svg(url: str) -> str:
    # segno writes the SVG itself from the URL's bits: no text of ours goes in it.
    return mark_safe(segno.make(url, error="m").svg_inline(scale=5, title=_("Sign-in code")))  # noqa: S308


def _session_context(request, session, *, invite_form=None, correction_error=""):
    user = request.user
    now = timezone.now()
    manages = scope.manages_session(user, session)
    shows_code = scope.shows_sign_in_code(user, session)
    context = {
        "session": session,
        "now": now,
        "manages": manages,
        "shows_code": shows_code,
        "invited": session.invitations.filter(user=user).exists(),
        "enrolled": session.enrolments.filter(user=user).exists(),
        "attendance": selectors.attendance_of(user, session),
        "may_enrol": scope.may_enrol(user, session) and session.ends_at > now,
        "online_open": session.is_online
        and rules.online_open(session.starts_at, session.ends_at, now),
        "over": session.ends_at <= now,
        "materials": selectors.materials_of(session),
        "sign_in_window": rules.sign_in_window(session.starts_at, session.ends_at),
        "correction_error": correction_error,
        "audience_levels": "、".join(
            str(label) for value, label in Region.Level.choices if value in session.audience_levels
        ),
    }
    if shows_code:
        context["sign_in_open"] = rules.sign_in_open(session.starts_at, session.ends_at, now)
        context["sign_in_url"] = selectors.sign_in_url(session)
        context["qr"] = _qr_svg(context["sign_in_url"])
    if manages or shows_code:
        context["roster"] = selectors.roster(session)
    if manages:
        # The session's audience, ready to invite.
        context["invite_form"] = invite_form or InviteForm(
            initial={
                "departments": session.audience_departments.all(),
                "levels": session.audience_levels,
            },
            departments=scope.invitable_departments(user, session),
        )
        context["history"] = selectors.attendance_history(session)[:50]
        context["effect"] = selectors.session_effect(session, now)
    return context


@login_required
def session(request, pk):
    session = scope.get_visible_session_or_404(request.user, pk)
    # Opening an online session within its time is attending it.
    services.record_online_attendance(request.user, session)
    return render(request, "training/session.html", _session_context(request, session))


@login_required
@require_POST
def invite(request, pk):
    session = scope.get_visible_session_or_404(request.user, pk)
    if not scope.manages_session(request.user, session):
        raise PermissionDenied(_("You do not manage this session."))
    form = InviteForm(request.POST, departments=scope.invitable_departments(request.user, session))
    if form.is_valid():
        try:
            count = services.invite(
                request.user,
                session,
                departments=form.cleaned_data["departments"],
                levels=form.cleaned_data["levels"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(n)d people invited and notified.") % {"n": count})
            return redirect("training:session", pk=session.pk)
    return render(
        request,
        "training/session.html",
        _session_context(request, session, invite_form=form),
        status=400,
    )


@login_required
@require_POST
def enrol(request, pk):
    session = scope.get_visible_session_or_404(request.user, pk)
    try:
        services.enrol(request.user, session)
    except ValidationError as error:
        return _bad(request, _errors(error))
    messages.success(request, _("You are enrolled."))
    return redirect("training:session", pk=session.pk)


@login_required
@require_POST
def correct(request, pk):
    session = scope.get_visible_session_or_404(request.user, pk)
    if not scope.manages_session(request.user, session):
        raise PermissionDenied(_("You do not manage this session."))
    form = CorrectionForm(request.POST)
    error = _("Choose present or absent and say why.")
    if form.is_valid():
        person = User.objects.filter(pk=form.cleaned_data["person"]).first()
        if person is None:
            error = _("This person is not on the session's list.")
        else:
            try:
                services.correct_attendance(
                    request.user,
                    session,
                    person,
                    present=form.cleaned_data["present"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as refusal:
                error = _errors(refusal)
            else:
                messages.success(request, _("Attendance corrected."))
                return redirect("training:session", pk=session.pk)
    return render(
        request,
        "training/session.html",
        _session_context(request, session, correction_error=error),
        status=400,
    )


@login_required
def sign_in(request, token):
    """The page the session's QR code opens on a phone: one button signs in."""
    found = selectors.session_from_token(token)
    if found is None:
        return _bad(request, _("This sign-in code is not valid. Scan the code shown now."))
    attendance = selectors.attendance_of(request.user, found)
    status = 200
    error = ""
    if request.method == "POST":
        try:
            attendance = services.sign_in_by_code(request.user, token)
        except ValidationError as refusal:
            error, status = _errors(refusal), 400
        except PermissionDenied as refusal:
            error, status = str(refusal), 403
        else:
            messages.success(request, _("Signed in."))
    return render(
        request,
        "training/sign_in.html",
        {
            "session": found,
            "attendance": attendance if attendance and attendance.present else None,
            "error": error,
            "token": token,
            "open": rules.sign_in_open(found.starts_at, found.ends_at, timezone.now()),
            "window": rules.sign_in_window(found.starts_at, found.ends_at),
        },
        status=status,
    )


@login_required
def materials(request):
    user = request.user
    keeps = scope.keeps_training_materials(user)
    form = MaterialForm(request.POST or None, request.FILES or None) if keeps else None
    status = 200
    if request.method == "POST":
        if not keeps:
            raise PermissionDenied(_("You do not keep training materials."))
        if form.is_valid():
            data = form.cleaned_data
            try:
                material = services.add_material_with_file(
                    user,
                    title=data["title"],
                    subsystems=data["subsystems"],
                    uploaded=data["file"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Material uploaded."))
                return redirect("training:material", pk=material.pk)
        status = 400
    return render(
        request,
        "training/materials.html",
        {
            "materials": scope.visible_training_materials(user).prefetch_related("versions"),
            "form": form,
        },
        status=status,
    )


def _material_or_404(user, pk) -> Material:
    return get_object_or_404(scope.visible_training_materials(user), pk=pk)


@login_required
def material(request, pk):
    user = request.user
    material = _material_or_404(user, pk)
    keeps = scope.keeps_training_materials(user)
    version_form = VersionForm() if keeps else None
    faqs_form = (
        FaqsForm(initial={"faqs": material.faqs.all()}, faqs=selectors.faqs_to_attach())
        if keeps
        else None
    )
    status = 200
    if request.method == "POST":
        if not keeps:
            raise PermissionDenied(_("You do not keep training materials."))
        if "faqs" in request.POST or request.POST.get("action") == "faqs":
            faqs_form = FaqsForm(request.POST, faqs=selectors.faqs_to_attach())
            if faqs_form.is_valid():
                services.attach_faqs(user, material, faqs_form.cleaned_data["faqs"])
                messages.success(request, _("FAQs attached."))
                return redirect("training:material", pk=material.pk)
        else:
            version_form = VersionForm(request.POST, request.FILES)
            if version_form.is_valid():
                try:
                    version = services.add_version(
                        user,
                        material,
                        version_form.cleaned_data["file"],
                        platform_change=version_form.cleaned_data["platform_change"],
                    )
                except ValidationError as error:
                    version_form.add_error(None, error)
                else:
                    messages.success(request, _("Version %(n)d uploaded.") % {"n": version.number})
                    return redirect("training:material", pk=material.pk)
        status = 400
    return render(
        request,
        "training/material.html",
        {
            "material": material,
            "versions": material.versions.select_related("uploaded_by"),
            "faqs": material.faqs.select_related("kbitem"),
            "sessions": material.sessions.all(),
            "version_form": version_form,
            "faqs_form": faqs_form,
        },
        status=status,
    )


def _file_response(version: MaterialVersion) -> FileResponse:
    try:
        handle = version.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=version.filename,
        content_type=version.content_type or "application/octet-stream",
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
def download(request, pk):
    """The current version, which is what a clerk should read."""
    material = _material_or_404(request.user, pk)
    current = material.current
    if current is None:
        raise Http404
    return _file_response(current)


@login_required
def download_version(request, pk, number):
    material = _material_or_404(request.user, pk)
    return _file_response(get_object_or_404(material.versions, number=number))


@login_required
def needs(request):
    root = scope.reported_region(request.user)
    if root is None:
        raise PermissionDenied(_("Training needs are for supervisors."))
    today = timezone.localdate()
    default = {"start": today - selectors.NEEDS_WINDOW, "end": today}
    form = NeedsForm(request.GET or None, initial=default)
    status = 200
    period = default
    if form.is_bound:
        if form.is_valid():
            period = form.cleaned_data
        else:
            status = 400
    start = timezone.make_aware(dt.datetime.combine(period["start"], dt.time()))
    end = timezone.make_aware(dt.datetime.combine(period["end"] + dt.timedelta(days=1), dt.time()))
    now = timezone.now()
    past = (
        scope.visible_training_sessions(request.user)
        .filter(cancelled=False, ends_at__lte=now)
        .order_by("-starts_at")[:10]
    )
    return render(
        request,
        "training/needs.html",
        {
            "form": form,
            "root": root,
            "rows": selectors.training_needs(root, start, end) if status == 200 else [],
            "effects": [(s, selectors.session_effect(s, now)) for s in past],
        },
        status=status,
    )
