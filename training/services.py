"""Every change of training data, one function each. The scope module
decides who may; these functions refuse with a Chinese message otherwise."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk_site.notices.models import Kind
from helpdesk_site.notices.services import notify
from helpdesk_site.people.models import Role, User
from helpdesk_site.regions.models import Region
from helpdesk_site.tickets import scope
from helpdesk_site.tickets.uploads import check_upload
from training import rules, selectors, signals
from training.models import (
    MIN_ROUNDS,
    Attendance,
    AttendanceMethod,
    Enrolment,
    Invitation,
    Material,
    MaterialVersion,
    TrainingPlan,
    TrainingSession,
)

SESSION_FIELDS = (
    "title",
    "outline",
    "starts_at",
    "ends_at",
    "form",
    "venue",
    "meeting_link",
    "recording_link",
    "outside_trainers",
    "audience_levels",
    "cancelled",
)


def create_plan(user, *, region: Region, year: int, min_rounds: int, notes: str = ""):
    if not scope.plans_training_for(user, region):
        raise PermissionDenied(_("You do not plan training for this region."))
    if min_rounds < MIN_ROUNDS:
        raise ValidationError(
            _("The contract asks for at least %(n)d rounds a year.") % {"n": MIN_ROUNDS}
        )
    try:
        with transaction.atomic():
            return TrainingPlan.objects.create(
                region=region, year=year, min_rounds=min_rounds, notes=notes, created_by=user
            )
    except IntegrityError:
        raise ValidationError(
            _("This region already has a plan for %(year)d.") % {"year": year}
        ) from None


def _check_session(data: dict) -> None:
    if data["ends_at"] <= data["starts_at"]:
        raise ValidationError(_("The session must end after it starts."))
    form = data["form"]
    if form in ("offline", "both") and not data.get("venue"):
        raise ValidationError(_("An offline session needs a venue."))
    if form in ("online", "both") and not data.get("meeting_link"):
        raise ValidationError(_("An online session needs a meeting link."))


@transaction.atomic
def save_session(
    user, *, plan: TrainingPlan, data: dict, session: TrainingSession | None = None
) -> TrainingSession:
    """Create a session in a plan, or change one; `data` holds the model's
    fields and the lists `subsystems`, `trainers`, `audience_departments`."""
    if not scope.plans_training_for(user, plan.region):
        raise PermissionDenied(_("You do not plan training for this region."))
    _check_session(data)
    if data["starts_at"].astimezone(timezone.get_current_timezone()).year != plan.year:
        raise ValidationError(
            _("The session must take place in the plan's year (%(year)d).") % {"year": plan.year}
        )
    trainers = list(data.get("trainers", ()))
    if any(t.role != Role.OPERATOR for t in trainers):
        raise ValidationError(_("Trainers from the desk must be operators."))
    if session is None:
        session = TrainingSession(plan=plan, created_by=user)
    elif session.plan_id != plan.pk:
        raise ValidationError(_("A session stays in its plan."))
    for name in SESSION_FIELDS:
        if name in data:
            setattr(session, name, data[name])
    session.save()
    session.subsystems.set(data.get("subsystems", ()))
    session.trainers.set(trainers)
    session.audience_departments.set(data.get("audience_departments", ()))
    return session


@transaction.atomic
def invite(user, session: TrainingSession, *, departments=(), levels=(), now=None) -> int:
    """Invite the staff of these departments or region levels; each newly
    invited person gets a notice. Returns how many were newly invited."""
    if not scope.manages_session(user, session):
        raise PermissionDenied(_("You do not manage this session."))
    if session.cancelled:
        raise ValidationError(_("This session is cancelled."))
    if not departments and not levels:
        raise ValidationError(_("Choose departments or region levels to invite."))
    now = now or timezone.now()
    if session.ends_at <= now:
        raise ValidationError(_("This session is over."))
    people = scope.invitable_people(user, session, departments=departments, levels=levels)
    already = set(session.invitations.values_list("user_id", flat=True))
    new = [p for p in people if p.pk not in already]
    Invitation.objects.bulk_create(
        [Invitation(session=session, user=p, invited_by=user, invited_at=now) for p in new],
        ignore_conflicts=True,
    )
    if new:
        start = timezone.localtime(session.starts_at)
        notify(
            new,
            message=_("You are invited to the training “%(title)s” on %(when)s.")
            % {"title": session.title, "when": start.strftime("%Y-%m-%d %H:%M")},
            kind=Kind.TRAINING,
            link=selectors.session_path(session),
            at=now,
        )
        signals.people_invited.send(sender=TrainingSession, session=session, people=new, at=now)
    return len(new)


def enrol(user, session: TrainingSession, now=None) -> Enrolment:
    if not scope.may_enrol(user, session):
        raise PermissionDenied(_("Only invited people can enrol."))
    now = now or timezone.now()
    if session.cancelled or session.ends_at <= now:
        raise ValidationError(_("This session is no longer open for enrolment."))
    return Enrolment.objects.get_or_create(
        session=session, user=user, defaults={"enrolled_at": now}
    )[0]


def _record(session, person, *, method, at, by=None, present=True, note="") -> Attendance:
    attendance = Attendance.objects.filter(session=session, user=person).first()
    if attendance is not None and attendance.present == present:
        return attendance
    if attendance is None:
        attendance = Attendance(session=session, user=person)
    attendance.present = present
    attendance.method = method
    attendance.at = at
    attendance.recorded_by = by or person
    attendance.note = note
    attendance._history_user = by or person
    attendance._history_date = at
    if note:
        attendance._change_reason = note
    attendance.save()
    return attendance


@transaction.atomic
def sign_in_by_code(user, token: str, now=None) -> Attendance:
    """Offline sign-in (扫码签到): the code must be genuine and current, the
    session running (with the grace window), and the person invited or enrolled."""
    now = now or timezone.now()
    session = selectors.session_from_token(token)
    if session is None:
        raise ValidationError(_("This sign-in code is not valid. Scan the code shown now."))
    if session.cancelled:
        raise ValidationError(_("This session is cancelled."))
    if not rules.sign_in_open(session.starts_at, session.ends_at, now):
        opens, closes = rules.sign_in_window(session.starts_at, session.ends_at)
        raise ValidationError(
            _("Sign-in is open from %(opens)s to %(closes)s only.")
            % {
                "opens": timezone.localtime(opens).strftime("%Y-%m-%d %H:%M"),
                "closes": timezone.localtime(closes).strftime("%Y-%m-%d %H:%M"),
            }
        )
    if not scope.may_sign_in(user, session):
        raise PermissionDenied(_("Only people invited to or enrolled in this session can sign in."))
    return _record(session, user, method=AttendanceMethod.QR, at=now)


def record_online_attendance(user, session: TrainingSession, now=None) -> Attendance | None:
    """Opening an online session within its time counts as attending it."""
    now = now or timezone.now()
    if (
        session.cancelled
        or not session.is_online
        or not rules.online_open(session.starts_at, session.ends_at, now)
        or not scope.may_sign_in(user, session)
    ):
        return None
    existing = selectors.attendance_of(user, session)
    if existing is not None:
        return existing
    return _record(session, user, method=AttendanceMethod.ONLINE, at=now)


@transaction.atomic
def correct_attendance(
    actor, session: TrainingSession, person: User, *, present: bool, note: str, now=None
) -> Attendance:
    """A supervisor marks a person present or absent by hand, with a reason;
    the audit trail keeps who changed it, when, and what it was before."""
    if not scope.manages_session(actor, session):
        raise PermissionDenied(_("You do not manage this session."))
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("Say why the attendance is corrected."))
    if not (
        scope.is_invited_or_enrolled(person, session)
        or Attendance.objects.filter(session=session, user=person).exists()
    ):
        raise ValidationError(_("This person is not on the session's list."))
    now = now or timezone.now()
    return _record(
        session,
        person,
        method=AttendanceMethod.MANUAL,
        at=now,
        by=actor,
        present=present,
        note=note[:300],
    )


@transaction.atomic
def add_material(
    user, *, title: str, region: Region, sessions=(), subsystems=(), faqs=(), now=None
) -> Material:
    if not scope.keeps_training_materials(user):
        raise PermissionDenied(_("You do not keep training materials."))
    material = Material.objects.create(
        title=title, region=region, created_by=user, created_at=now or timezone.now()
    )
    material.sessions.set(sessions)
    material.subsystems.set(subsystems)
    material.faqs.set(faqs)
    return material


@transaction.atomic
def add_material_with_file(user, *, title: str, subsystems, uploaded, sessions=()) -> Material:
    """A new material and its first version; nothing is kept if the file is refused.
    It belongs to the supervisor's region, or the prefecture's for an operator."""
    region = (
        scope.reported_region(user) or Region.objects.filter(level=Region.Level.PREFECTURE).first()
    )
    material = add_material(
        user, title=title, region=region, sessions=sessions, subsystems=subsystems
    )
    add_version(user, material, uploaded, platform_change="")
    return material


@transaction.atomic
def add_version(
    user, material: Material, uploaded, *, platform_change: str, now=None
) -> MaterialVersion:
    """A new version of a material, checked by content as ticket attachments
    are, with the platform change that made it necessary."""
    if not scope.keeps_training_materials(user):
        raise PermissionDenied(_("You do not keep training materials."))
    checked = check_upload(uploaded)
    platform_change = (platform_change or "").strip()
    material = Material.objects.select_for_update().get(pk=material.pk)
    number = (material.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    if number > 1 and not platform_change:
        raise ValidationError(_("Name the platform change that made this version necessary."))
    version = MaterialVersion(
        material=material,
        number=number,
        filename=(uploaded.name or "file")[-200:],
        content_type=checked.content_type,
        size=uploaded.size,
        platform_change=platform_change,
        uploaded_by=user,
        uploaded_at=now or timezone.now(),
    )
    version.file.save(uploaded.name, checked.file, save=False)
    version.save()
    return version


def attach_faqs(user, material: Material, faqs) -> None:
    if not scope.keeps_training_materials(user):
        raise PermissionDenied(_("You do not keep training materials."))
    material.faqs.set(faqs)


def supervisors_of(region: Region):
    return User.objects.filter(role=Role.SUPERVISOR, supervised_region=region, is_active=True)


def warn_plans_at_risk(now=None) -> int:
    """Warn each plan's supervisors when the year risks missing its floor of
    rounds (beat task, daily); repeated weekly while the risk lasts."""
    now = now or timezone.now()
    calendar = selectors.calendar()
    warned = 0
    for plan in TrainingPlan.objects.filter(year=selectors.local_year(now)).select_related(
        "region"
    ):
        with transaction.atomic():
            plan = TrainingPlan.objects.select_for_update().get(pk=plan.pk)
            standing = selectors.plan_standing(plan, now, calendar)
            if not rules.should_warn(standing, plan.warned_at, now):
                continue
            notify(
                supervisors_of(plan.region),
                message=_(
                    "Training plan %(year)d: %(held)d of at least %(floor)d rounds held and "
                    "%(scheduled)d scheduled, %(days)d working days left. Schedule %(missing)d "
                    "more round(s) now."
                )
                % {
                    "year": plan.year,
                    "held": standing.held,
                    "floor": standing.floor,
                    "scheduled": standing.scheduled,
                    "days": standing.working_days_left,
                    "missing": standing.shortfall,
                },
                kind=Kind.TRAINING,
                link=selectors.plan_path(plan),
                at=now,
            )
            plan.warned_at = now
            plan.save(update_fields=["warned_at"])
            warned += 1
    return warned
