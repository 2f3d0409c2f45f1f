"""Reads of training data. Who may see what is decided in the scope module
(helpdesk_site/tickets/scope.py, its Training section)."""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk_site.notices import links
from helpdesk_site.people.models import Department, User
from helpdesk_site.regions.models import Region
from helpdesk_site.tickets import scope
from helpdesk_site.tickets.models import Category, Subsystem, TicketDetails
from kb.models import CandidateState, Faq, FaqCandidate, FaqState
from sla.selectors import Calendars
from training import needs, rules
from training.models import (
    Attendance,
    Enrolment,
    Invitation,
    Material,
    TrainingPlan,
    TrainingSession,
)

SIGN_IN_SALT = "training.sign-in"
# The windows before and after a session that its effect compares.
EFFECT_WINDOW = dt.timedelta(days=90)
NEEDS_WINDOW = dt.timedelta(days=180)
TOPICS_PER_NEED = 3


def may_take_session_quiz(user, session: TrainingSession) -> bool:
    """A person takes a session's quiz if they were invited, enrolled or attended."""
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        Invitation.objects.filter(session=session, user=user).exists()
        or Enrolment.objects.filter(session=session, user=user).exists()
        or Attendance.objects.filter(session=session, user=user, present=True).exists()
    )


def quiz_takers(session: TrainingSession) -> QuerySet[User]:
    """Everyone who may take the session's quiz (may_take_session_quiz)."""
    return User.objects.filter(
        Q(training_invitations__session=session)
        | Q(training_enrolments__session=session)
        | Q(training_attendances__session=session, training_attendances__present=True),
        is_active=True,
    ).distinct()


def calendar():
    """The SLA engine's default business calendar."""
    return Calendars().get(None)


def local_year(now=None) -> int:
    return timezone.localdate(now).year


def live_sessions(plan: TrainingPlan) -> QuerySet[TrainingSession]:
    return plan.sessions.filter(cancelled=False)


def plan_standing(plan: TrainingPlan, now=None, cal=None) -> rules.YearStanding:
    now = now or timezone.now()
    sessions = live_sessions(plan)
    return rules.standing(
        floor=plan.min_rounds,
        held=sessions.filter(ends_at__lte=now).count(),
        scheduled=sessions.filter(ends_at__gt=now).count(),
        year=plan.year,
        now=now,
        calendar=cal or calendar(),
    )


def plan_sessions(plan: TrainingPlan) -> QuerySet[TrainingSession]:
    return (
        plan.sessions.select_related("plan__region")
        .prefetch_related("subsystems", "trainers")
        .order_by("starts_at", "id")
    )


def plan_for(user, year: int) -> TrainingPlan | None:
    """The user's own region's plan for the year (a supervisor's)."""
    root = scope.reported_region(user)
    if root is None:
        return None
    return TrainingPlan.objects.filter(region=root, year=year).first()


def plan_path(plan: TrainingPlan) -> str:
    return reverse("training:plan", args=[plan.pk])


def session_path(session: TrainingSession) -> str:
    return reverse("training:session", args=[session.pk])


def session_link(session: TrainingSession) -> str:
    return links.absolute(settings.SITE_URL, session_path(session))


def sign_in_token(session: TrainingSession) -> str:
    """Names the session and its schedule: a rescheduled session's old code stops working."""
    signer = signing.Signer(salt=SIGN_IN_SALT)
    return signer.sign_object([session.pk, int(session.starts_at.timestamp())])


def sign_in_url(session: TrainingSession) -> str:
    path = reverse("training:sign_in", args=[sign_in_token(session)])
    return links.absolute(settings.SITE_URL, path)


def session_from_token(token: str) -> TrainingSession | None:
    """The session a sign-in code names, or None if the code is forged or stale."""
    try:
        pk, starts = signing.Signer(salt=SIGN_IN_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    session = TrainingSession.objects.select_related("plan__region").filter(pk=pk).first()
    if session is None or int(session.starts_at.timestamp()) != starts:
        return None
    return session


def invitations_for(user) -> QuerySet[Invitation]:
    """A person's invitations, the coming sessions first."""
    return (
        Invitation.objects.filter(user=user, session__cancelled=False)
        .select_related("session__plan__region")
        .order_by("-session__starts_at")
    )


@dataclass
class RosterRow:
    user: object
    invited: bool
    enrolled: bool
    attendance: Attendance | None

    @property
    def present(self) -> bool:
        return self.attendance is not None and self.attendance.present


def roster(session: TrainingSession) -> list[RosterRow]:
    """Everyone invited, enrolled or recorded, by department."""
    invited = {i.user_id: i.user for i in session.invitations.select_related("user__department")}
    enrolled = {e.user_id: e.user for e in session.enrolments.select_related("user__department")}
    attended = {
        a.user_id: a for a in session.attendances.select_related("user__department", "recorded_by")
    }
    people = {**invited, **enrolled, **{pk: a.user for pk, a in attended.items()}}
    rows = [
        RosterRow(user, pk in invited, pk in enrolled, attended.get(pk))
        for pk, user in people.items()
    ]
    rows.sort(key=lambda r: (str(r.user.department or ""), r.user.username))
    return rows


def attendance_history(session: TrainingSession):
    """The audit trail of this session's attendance: every change, newest first."""
    return (
        Attendance.history.filter(session_id=session.pk)
        .select_related("history_user", "user")
        .order_by("-history_date")
    )


@dataclass(frozen=True)
class AttendanceGroup:
    label: str
    invited: int
    present: int

    @property
    def rate(self) -> float | None:
        return self.present / self.invited if self.invited else None


def attendance_by(sessions) -> tuple[list[AttendanceGroup], list[AttendanceGroup]]:
    """Invited (or enrolled or recorded) and present people of these sessions,
    by region level and by department."""
    ids = [s.pk for s in sessions]
    expected = set(Invitation.objects.filter(session_id__in=ids).values_list("session", "user"))
    expected |= set(Enrolment.objects.filter(session_id__in=ids).values_list("session", "user"))
    present = set(
        Attendance.objects.filter(session_id__in=ids, present=True).values_list("session", "user")
    )
    expected |= present
    users = {
        u.pk: u
        for u in User.objects.filter(pk__in={u for _, u in expected}).select_related(
            "department__region"
        )
    }
    levels = dict(Region.Level.choices)
    by_level, by_department = defaultdict(Counter), defaultdict(Counter)
    for pair in expected:
        user = users[pair[1]]
        department = user.department
        level = levels.get(department.region.level, "") if department else ""
        name = str(department) if department else "—"
        for groups, key in ((by_level, level or "—"), (by_department, name)):
            groups[key]["invited"] += 1
            groups[key]["present"] += pair in present
    order = {str(label): i for i, (_, label) in enumerate(Region.Level.choices)}

    def rows(groups, key):
        return [
            AttendanceGroup(str(label), c["invited"], c["present"])
            for label, c in sorted(groups.items(), key=key)
        ]

    return (
        rows(by_level, lambda kv: order.get(str(kv[0]), 99)),
        rows(by_department, lambda kv: (-kv[1]["invited"], kv[0])),
    )


def _ticket_details(region: Region, start, end) -> QuerySet[TicketDetails]:
    return TicketDetails.objects.filter(
        scope.not_withdrawn_q("ticket__"),
        region__code__startswith=region.subtree_prefix,
        ticket__created__gte=start,
        ticket__created__lt=end,
    )


@dataclass
class NeedRow:
    need: needs.Need
    department: Department
    subsystem: Subsystem
    topics: list[str]


def _topics(department_id, subsystem: Subsystem) -> list[str]:
    """Topics for a training need: the knowledge base's groups of similar
    tickets (FAQ candidates) of the subsystem, the department's own first,
    then its published FAQs' questions."""
    candidates = FaqCandidate.objects.filter(subsystem=subsystem).exclude(
        state=CandidateState.DISMISSED
    )
    own = candidates.filter(tickets__details__department_id=department_id).distinct()
    titles = list(own.values_list("title", flat=True)[:TOPICS_PER_NEED])
    if len(titles) < TOPICS_PER_NEED:
        more = candidates.exclude(title__in=titles).values_list("title", flat=True)
        titles += list(more[: TOPICS_PER_NEED - len(titles)])
    if len(titles) < TOPICS_PER_NEED:
        faqs = subsystem.faqs.filter(state=FaqState.PUBLISHED).exclude(kbitem__title__in=titles)
        missing = TOPICS_PER_NEED - len(titles)
        titles += list(faqs.values_list("kbitem__title", flat=True)[:missing])
    return titles or [_("Everyday operations of %(subsystem)s") % {"subsystem": subsystem.name}]


def training_needs(region: Region, start, end, limit=10) -> list[NeedRow]:
    """Departments × subsystems ranked by their share of consultations and
    repeated "how do I" tickets, with topics proposed for each."""
    # Counted in the database: a year's tickets are not read one by one.
    consultation = Q(category=Category.CONSULTATION)
    how_to = Q(ticket__title__iregex=needs.HOW_TO.pattern)
    groups = (
        _ticket_details(region, start, end)
        .values("department_id", "subsystem_id")
        .annotate(
            tickets=Count("pk"),
            consultations=Count("pk", filter=consultation),
            how_to=Count("pk", filter=how_to),
            either=Count("pk", filter=consultation | how_to),
        )
        .values_list(
            "department_id", "subsystem_id", "tickets", "consultations", "how_to", "either"
        )
        .order_by()
    )
    ranked = needs.rank_groups((needs.GroupCounts(*row) for row in groups), limit=limit)
    departments = Department.objects.select_related("region").in_bulk(
        {n.department for n in ranked}
    )
    subsystems = Subsystem.objects.in_bulk({n.subsystem for n in ranked})
    return [
        NeedRow(
            need,
            departments[need.department],
            subsystems[need.subsystem],
            _topics(need.department, subsystems[need.subsystem]),
        )
        for need in ranked
    ]


def trained_departments(session: TrainingSession) -> list[int]:
    return list(
        Attendance.objects.filter(session=session, present=True, user__department__isnull=False)
        .values_list("user__department_id", flat=True)
        .distinct()
    )


def _consultations(departments, start, end) -> tuple[int, int]:
    rows = TicketDetails.objects.filter(
        scope.not_withdrawn_q("ticket__"),
        department_id__in=departments,
        ticket__created__gte=start,
        ticket__created__lt=end,
    )
    total = rows.count()
    return rows.filter(category=Category.CONSULTATION).count(), total


def session_effect(session: TrainingSession, now=None) -> needs.Effect | None:
    """The trained departments' consultation rate in the window before the
    session and after it (up to now); None before the session has ended."""
    now = now or timezone.now()
    if session.ends_at > now:
        return None
    departments = trained_departments(session)
    before = _consultations(departments, session.starts_at - EFFECT_WINDOW, session.starts_at)
    after = _consultations(departments, session.ends_at, min(now, session.ends_at + EFFECT_WINDOW))
    return needs.Effect(before[0], before[1], after[0], after[1])


def sessions_in(region: Region, start, end) -> QuerySet[TrainingSession]:
    """Sessions of plans in the region's subtree held (started) in [start, end)."""
    return (
        TrainingSession.objects.filter(
            plan__region__code__startswith=region.subtree_prefix,
            cancelled=False,
            starts_at__gte=start,
            starts_at__lt=end,
        )
        .select_related("plan__region")
        .order_by("starts_at", "id")
    )


def materials_of(session: TrainingSession) -> QuerySet[Material]:
    return session.materials.prefetch_related("versions").order_by("title")


def faqs_to_attach() -> QuerySet[Faq]:
    return Faq.objects.filter(state=FaqState.PUBLISHED).select_related("kbitem", "subsystem")


def attendance_of(user, session) -> Attendance | None:
    return Attendance.objects.filter(session=session, user=user).first()
