"""Who may see and touch which ticket: the one place where that is decided.

Every path to a ticket asks this module: the portal's lists and pages, the
API, file downloads, django-helpdesk's own views (through the middleware that
checks every URL argument naming a ticket or something on it), and later the
chat socket and search. Add a new way in, and it starts from here.

The rules:
- reporter (部门工作人员): tickets filed by their department;
- operator (驻场/运维人员): tickets in the queues they are granted, or assigned
  to them (django-helpdesk's own per-queue rule, so its staff pages agree);
- supervisor (主管人员): tickets filed anywhere in their region's subtree;
- admin: everything.
A withdrawn ticket (撤销) is out of everyone's scope until an administrator
restores it.
"""

from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db.models import Q, QuerySet
from django.http import Http404
from helpdesk import settings as helpdesk_settings
from helpdesk.models import (
    Checklist,
    FollowUp,
    FollowUpAttachment,
    Queue,
    Ticket,
    TicketCC,
    TicketDependency,
)
from helpdesk.user import HelpdeskUser

from helpdesk_site.audit.models import Withdrawal
from helpdesk_site.people.models import Department, Role, User
from helpdesk_site.regions.models import Region
from helpdesk_site.tickets.models import TicketDetails
from inspections.models import Plan, Run
from training.models import Material, TrainingPlan, TrainingSession


def _is_admin(user) -> bool:
    return user.is_superuser or getattr(user, "role", None) == Role.ADMIN


def supervised_region(user):
    """The region whose subtree a supervisor reads, or None."""
    if getattr(user, "role", None) != Role.SUPERVISOR:
        return None
    if user.supervised_region_id:
        return user.supervised_region
    return user.department.region if user.department_id else None


def reported_region(user):
    """The widest region a user may read reports on: a supervisor's subtree
    root, the prefecture for an administrator, None for everyone else."""
    region = supervised_region(user)
    if region is None and user.is_authenticated and user.is_active and _is_admin(user):
        region = Region.objects.filter(level=Region.Level.PREFECTURE).first()
    return region


def may_read_reports_on(user, region) -> bool:
    """Whether `region` lies inside the reports the user may read."""
    root = reported_region(user)
    return root is not None and region.code.startswith(root.subtree_prefix)


def _details_rule(user) -> dict | None:
    """Supervisors' and reporters' rule, as conditions on the ticket's
    details (where it was filed from); None for the other roles."""
    if user.role == Role.SUPERVISOR:
        region = supervised_region(user)
        if region is None:
            return {"pk__in": []}
        return {"region__code__startswith": region.subtree_prefix}
    if user.role == Role.REPORTER:
        if not user.department_id:
            return {"pk__in": []}
        return {"department_id": user.department_id}
    return None


def withdrawn_ticket_ids() -> QuerySet:
    """Ids of the tickets withdrawn and not restored."""
    return Withdrawal.objects.filter(restored_at__isnull=True).values("ticket_id")


def not_withdrawn_q(path: str = "") -> Q:
    """Leaves withdrawn tickets out, as a Q over Ticket or, with a path such
    as "ticket__", over a table that reaches a ticket (reports use this)."""
    return ~Q(**{f"{path}pk__in": withdrawn_ticket_ids()})


def visible_tickets_q(user) -> Q:
    """The scope rule as a Q over Ticket, for callers that build their own query."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if _is_admin(user):
        return not_withdrawn_q()
    if user.role == Role.OPERATOR:
        return HelpdeskUser(user).accessible_tickets_q() & not_withdrawn_q()
    details = _details_rule(user)
    if details is None:
        return Q(pk__in=[])
    rule = Q(**{f"details__{condition}": value for condition, value in details.items()})
    return rule & not_withdrawn_q()


@dataclass(frozen=True)
class ScopeRule:
    """The scope rule of one user as data, for a search engine that filters
    by it (Elasticsearch): every ticket, or those that match any of a region
    code prefix (where filed), a department (who filed), queues, or being
    assigned to the user; never the withdrawn ones. Nothing set: no ticket."""

    everything: bool = False
    region_prefix: str | None = None
    department_id: int | None = None
    queue_ids: tuple[int, ...] = ()
    assigned_to_id: int | None = None
    withdrawn_ids: tuple[int, ...] = ()

    @property
    def nothing(self) -> bool:
        return not (
            self.everything
            or self.region_prefix is not None
            or self.department_id is not None
            or self.queue_ids
            or self.assigned_to_id is not None
        )


def scope_rule(user) -> ScopeRule:
    """`visible_tickets(user)` described as data (the two agree for every
    role: tests/kb/test_scope_rule.py)."""
    if not user.is_authenticated or not user.is_active:
        return ScopeRule()
    withdrawn = tuple(withdrawn_ticket_ids().values_list("ticket_id", flat=True))
    if _is_admin(user):
        return ScopeRule(everything=True, withdrawn_ids=withdrawn)
    if user.role == Role.OPERATOR:
        # django-helpdesk's accessible_tickets_q(), as data.
        if HelpdeskUser(user).has_full_access():
            return ScopeRule(everything=True, withdrawn_ids=withdrawn)
        queues = ()
        if helpdesk_settings.HELPDESK_ENABLE_PER_QUEUE_STAFF_PERMISSION:
            granted = Queue.objects.filter(permission_name__in=user.get_all_permissions())
            queues = tuple(granted.order_by("pk").values_list("pk", flat=True))
        return ScopeRule(queue_ids=queues, assigned_to_id=user.pk, withdrawn_ids=withdrawn)
    details = _details_rule(user)
    if details is None or "pk__in" in details:
        return ScopeRule()
    if "department_id" in details:
        return ScopeRule(department_id=details["department_id"], withdrawn_ids=withdrawn)
    return ScopeRule(region_prefix=details["region__code__startswith"], withdrawn_ids=withdrawn)


def visible_tickets(user) -> QuerySet[Ticket]:
    return Ticket.objects.filter(visible_tickets_q(user))


# Rules that read nothing but the account's own fields, compiled once per
# process for all the accounts they fit: a reporter's is their department's,
# an administrator's is everyone's. (A supervisor's rule reads their region's
# code, an operator's their permissions: those are compiled per user object.)
_MAX_SHARED_RULES = 4096
_shared_rules: dict[tuple, tuple[str, tuple] | None] = {}


def _shared_rule_key(user) -> tuple | None:
    """All that `user`'s rule is made of, when that is the account's own
    fields alone; None otherwise."""
    if not user.is_authenticated or not user.is_active:
        return None
    if _is_admin(user):
        return ("admin",)
    if user.role == Role.REPORTER:
        return ("reporter", user.department_id)
    return None


def rule_reads_only_the_account(user) -> bool:
    """Whether `user`'s scope rule reads nothing but the account's own fields
    (active, administrator, role, department): then checking that those are
    unchanged is as good as reading the user again."""
    return _shared_rule_key(user) is not None


def _compiled_visible_ids(user) -> tuple[str, tuple] | None:
    try:
        return visible_tickets(user).values("pk").query.sql_with_params()
    except EmptyResultSet:
        return None


def visible_ticket_ids_sql(user) -> tuple[str, tuple] | None:
    """`visible_tickets(user)`'s ids as SQL and parameters, for a statement
    written by hand (the chat's hot path), or None when the rule keeps no
    ticket. Kept on the user object, as Django keeps permissions, and shared
    with the others whose rule is the same; the rule is evaluated by the
    database on every use (withdrawn tickets included)."""
    compiled = getattr(user, "_visible_ticket_ids_sql", False)
    if compiled is not False:
        return compiled
    key = _shared_rule_key(user)
    # One lookup: another thread may empty the dict between two.
    compiled = _shared_rules.get(key, False) if key is not None else False
    if compiled is False:
        compiled = _compiled_visible_ids(user)
        if key is not None:
            if len(_shared_rules) >= _MAX_SHARED_RULES:
                _shared_rules.clear()
            _shared_rules[key] = compiled
    user._visible_ticket_ids_sql = compiled
    return compiled


def visible_ticket_ids(user, **details) -> QuerySet:
    """The same scope as ids only, for a subquery that tests membership
    (`ticket_id IN (...)`), narrowed to tickets whose details match
    `details` (a search's filters, such as `category="fault"`). For
    supervisors and reporters, and administrators with filters, it reads the
    ticket details alone, so testing a ticket costs one index probe, not two."""
    if not user.is_authenticated or not user.is_active:
        return TicketDetails.objects.none().values("ticket_id")
    if _is_admin(user) and not details:
        # Every ticket, those made in django-helpdesk's own forms (no details) too.
        return visible_tickets(user).values("pk")
    rule = {} if _is_admin(user) else _details_rule(user)
    if rule is None:
        conditions = {f"details__{name}": value for name, value in details.items()}
        return visible_tickets(user).filter(**conditions).values("pk")
    return (
        TicketDetails.objects.filter(**rule, **details)
        .exclude(ticket_id__in=withdrawn_ticket_ids())
        .values("ticket_id")
    )


def sees_all_tickets(user) -> bool:
    """Whether the scope keeps every ticket (administrators, while no ticket
    is withdrawn), so a caller building its own SQL may leave the scope out."""
    return (
        user.is_authenticated
        and user.is_active
        and _is_admin(user)
        and not withdrawn_ticket_ids().exists()
    )


def can_view_ticket(user, ticket_id) -> bool:
    return visible_tickets(user).filter(pk=ticket_id).exists()


def get_visible_ticket_or_404(user, ticket_id) -> Ticket:
    try:
        return visible_tickets(user).select_related("queue", "assigned_to").get(pk=ticket_id)
    except (Ticket.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def works_tickets(user) -> bool:
    """Operators and admins handle tickets; the others file or read them."""
    return user.is_authenticated and (_is_admin(user) or user.role == Role.OPERATOR)


def ticket_workers() -> QuerySet:
    """The active people for whom works_tickets holds: operators and admins."""
    return User.objects.filter(
        Q(role__in=(Role.OPERATOR, Role.ADMIN)) | Q(is_superuser=True), is_active=True
    )


def can_comment(user, ticket) -> bool:
    """Reporters talk on their department's tickets; operators on the ones
    they work. Supervisors read."""
    return can_view_ticket(user, ticket.pk) and comments_where_visible(user)


def comments_where_visible(user) -> bool:
    """Whether the user may comment on a ticket already known to be in
    their scope (saves asking the database again)."""
    return works_tickets(user) or user.role == Role.REPORTER


def can_close_or_reopen(user, ticket) -> bool:
    """A reporter closes or reopens the tickets they filed themselves."""
    if works_tickets(user):
        return can_view_ticket(user, ticket.pk)
    details = getattr(ticket, "details", None)
    return (
        user.role == Role.REPORTER
        and details is not None
        and details.reporter_id == user.pk
        and can_view_ticket(user, ticket.pk)
    )


def sees_audit_trail(user) -> bool:
    """The ticket's change history (who changed what, before and after) is for
    the people who work or supervise tickets, not for reporters."""
    return works_tickets(user) or (user.is_authenticated and user.role == Role.SUPERVISOR)


def can_withdraw(user, ticket) -> bool:
    """Helpdesk's "delete": an administrator withdraws (撤销) a ticket, with a
    reason, instead of erasing it; operators cannot make work disappear."""
    return user.is_authenticated and _is_admin(user) and can_view_ticket(user, ticket.pk)


# Who may be a ticket's 处理人 (assignee): the people who work queues.
ASSIGNEE_ROLES = (Role.OPERATOR,)


def _queue_permission_q(queues) -> Q:
    """Users holding helpdesk's permission for any of these queues, granted
    to them or to one of their groups."""
    if isinstance(queues, QuerySet):
        names = list(queues.values_list("permission_name", flat=True))
    else:
        names = [q.permission_name for q in queues]
    codenames = [name.split(".", 1)[1] for name in names]
    return Q(
        user_permissions__content_type__app_label="helpdesk",
        user_permissions__codename__in=codenames,
    ) | Q(
        groups__permissions__content_type__app_label="helpdesk",
        groups__permissions__codename__in=codenames,
    )


def assignable_users(queues) -> QuerySet:
    """Who may be given tickets of any of these queues (处理人): active
    operators and operator team leads (运维组长) with access to the queue. The
    one rule for every assignee list and every assignment."""
    from sla.models import TeamLead

    workers = Q(role__in=ASSIGNEE_ROLES) | Q(pk__in=TeamLead.objects.values("user_id"))
    users = User.objects.filter(workers, is_active=True)
    ids = users.filter(_queue_permission_q(queues)).values("pk")
    return users.filter(pk__in=ids).order_by("last_name", "first_name", "username")


def may_name_team_leads(user) -> bool:
    """Who names the operator team leads (运维组长): an administrator, or the
    supervisor of the whole prefecture."""
    if not (user.is_authenticated and user.is_active):
        return False
    region = supervised_region(user)
    return _is_admin(user) or (region is not None and region.level == Region.Level.PREFECTURE)


def team_lead_candidates() -> QuerySet:
    """Who may be named a team lead: the active operators."""
    return User.objects.filter(role=Role.OPERATOR, is_active=True).order_by(
        "last_name", "first_name", "username"
    )


def may_be_assigned(user, ticket_or_queue) -> bool:
    """Whether `user` may be 处理人 of this ticket (or of tickets of this queue)."""
    queue = getattr(ticket_or_queue, "queue", ticket_or_queue)
    return assignable_users([queue]).filter(pk=user.pk).exists()


def can_restore(user) -> bool:
    """Only an administrator brings a withdrawn ticket back."""
    return user.is_authenticated and user.is_active and _is_admin(user)


def visible_followups(user, ticket) -> QuerySet[FollowUp]:
    """Staff see internal notes too; everyone else only the public thread."""
    followups = ticket.followup_set.select_related("user").order_by("date", "id")
    if works_tickets(user):
        return followups
    return followups.filter(public=True)


def visible_attachments(user) -> QuerySet[FollowUpAttachment]:
    attachments = FollowUpAttachment.objects.filter(
        followup__ticket__in=visible_tickets(user).values("pk")
    )
    if works_tickets(user):
        return attachments
    return attachments.filter(followup__public=True)


# URL arguments that name a ticket, or an object hanging off one, and how to
# reach that object's ticket. The middleware checks every one of them before
# any view runs, ours or django-helpdesk's.
TICKET_URL_KWARGS = {
    "followup_id": (FollowUp, "ticket_id"),
    "attachment_id": (FollowUpAttachment, "followup__ticket_id"),
    "cc_id": (TicketCC, "ticket_id"),
    "dependency_id": (TicketDependency, "ticket_id"),
    "checklist_id": (Checklist, "ticket_id"),
}


def url_kwargs_in_scope(user, kwargs: dict) -> bool:
    """False when a URL names a ticket (or a part of one) the user may not see,
    or names a part that does not belong to the ticket it names."""
    ticket_id = kwargs.get("ticket_id")
    if ticket_id is not None and not can_view_ticket(user, ticket_id):
        return False
    for name, (model, ticket_path) in TICKET_URL_KWARGS.items():
        if name not in kwargs:
            continue
        objects = model.objects.filter(pk=kwargs[name])
        owner = objects.values_list(ticket_path, flat=True).first()
        if owner is None:
            # Nothing to protect; the view answers 404 itself.
            continue
        if ticket_id is not None and str(owner) != str(ticket_id):
            return False
        if not can_view_ticket(user, owner):
            return False
    return True


# --- Training (培训) -----------------------------------------------------------
# Supervisors plan, invite and correct attendance for their region's subtree
# (a county supervisor: their county's plans and sessions, and read the
# sessions their county's people are invited to); administrators for the
# whole prefecture. Operators may be trainers: they see and run the sessions
# they train, and keep the materials. Everyone sees the sessions they are
# invited to or enrolled in, and signs in only to those.


def plans_training_for(user, region=None) -> bool:
    """Whether the user plans training for `region` (or for any region)."""
    root = reported_region(user)
    if root is None:
        return False
    return region is None or region.code.startswith(root.subtree_prefix)


def visible_training_plans(user) -> QuerySet[TrainingPlan]:
    root = reported_region(user)
    if root is None:
        return TrainingPlan.objects.none()
    return TrainingPlan.objects.filter(region__code__startswith=root.subtree_prefix)


def visible_training_sessions(user) -> QuerySet[TrainingSession]:
    if not user.is_authenticated or not user.is_active:
        return TrainingSession.objects.none()
    rule = Q(invitations__user=user) | Q(enrolments__user=user) | Q(trainers=user)
    root = reported_region(user)
    if root is not None:
        prefix = root.subtree_prefix
        rule |= Q(plan__region__code__startswith=prefix)
        rule |= Q(invitations__user__department__region__code__startswith=prefix)
    ids = TrainingSession.objects.filter(rule).values("pk")
    return TrainingSession.objects.filter(pk__in=ids)


def get_visible_session_or_404(user, session_id) -> TrainingSession:
    try:
        return visible_training_sessions(user).select_related("plan__region").get(pk=session_id)
    except (TrainingSession.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def manages_session(user, session) -> bool:
    """Edit, invite and correct attendance: supervisors of the plan's region."""
    return plans_training_for(user, session.plan.region)


def trains_session(user, session) -> bool:
    return user.is_authenticated and session.trainers.filter(pk=user.pk).exists()


def shows_sign_in_code(user, session) -> bool:
    """The session's sign-in QR code is shown to its supervisors and trainers."""
    return manages_session(user, session) or trains_session(user, session)


def is_invited_or_enrolled(user, session) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return (
        session.invitations.filter(user=user).exists()
        or session.enrolments.filter(user=user).exists()
    )


def may_sign_in(user, session) -> bool:
    """Only the people invited to or enrolled in a session sign in to it."""
    return is_invited_or_enrolled(user, session)


def may_enrol(user, session) -> bool:
    """A person enrols in a session they were invited to."""
    return user.is_authenticated and session.invitations.filter(user=user).exists()


def invitable_departments_of_region(user, region) -> QuerySet[Department]:
    """Departments a supervisor may invite to a session of `region`'s plan:
    in the region's subtree and in their own."""
    root = reported_region(user)
    if root is None or not plans_training_for(user, region):
        return Department.objects.none()
    return Department.objects.filter(region__code__startswith=root.subtree_prefix).filter(
        region__code__startswith=region.subtree_prefix
    )


def invitable_departments(user, session) -> QuerySet[Department]:
    return invitable_departments_of_region(user, session.plan.region)


def invitable_people(user, session, *, departments=(), levels=()) -> QuerySet[User]:
    """The department staff (部门工作人员) an invitation of these departments or
    region levels reaches, within what the supervisor may invite."""
    allowed = invitable_departments(user, session)
    chosen = Q(pk__in=[d.pk for d in departments]) | Q(region__level__in=list(levels))
    return User.objects.filter(
        is_active=True,
        role=Role.REPORTER,
        department__in=allowed.filter(chosen).values("pk"),
    )


def keeps_training_materials(user) -> bool:
    """Supervisors and operators (the trainers) upload and version materials."""
    if not user.is_authenticated or not user.is_active:
        return False
    return reported_region(user) is not None or user.role == Role.OPERATOR


def visible_training_materials(user) -> QuerySet[Material]:
    if not user.is_authenticated or not user.is_active:
        return Material.objects.none()
    if user.role == Role.OPERATOR or _is_admin(user):
        return Material.objects.all()
    rule = Q(sessions__in=visible_training_sessions(user).values("pk"))
    root = reported_region(user)
    if root is not None:
        rule |= Q(region__code__startswith=root.subtree_prefix)
    return Material.objects.filter(pk__in=Material.objects.filter(rule).values("pk"))


def sees_training_needs(user) -> bool:
    """Training needs and effect read tickets' figures: supervisors' reports."""
    return reported_region(user) is not None


# --- Quizzes (培训成果考核, quizzes/) -----------------------------------------
# Who writes and reviews the question bank, who sets a session's quiz, who may
# take it, and whose results a person reads. The bank is the desk's, not a
# region's; results follow the department the person worked in when they
# took the quiz.


def writes_quiz_questions(user) -> bool:
    """Operators and supervisors write questions (and administrators)."""
    return (
        user.is_authenticated
        and user.is_active
        and (_is_admin(user) or user.role in (Role.OPERATOR, Role.SUPERVISOR))
    )


def reviews_quiz_questions(user) -> bool:
    """Supervisors (and administrators) publish and retire questions."""
    return (
        user.is_authenticated
        and user.is_active
        and (_is_admin(user) or user.role == Role.SUPERVISOR)
    )


def may_publish_question(user, question) -> bool:
    """A reviewer publishes questions others wrote: whoever wrote a question
    needs a second reviewer, so no one approves their own."""
    return reviews_quiz_questions(user) and question.author_id != user.pk


def quiz_managed_sessions(user) -> QuerySet[TrainingSession]:
    """The training sessions whose quiz a user sets: those they manage
    (manages_session, the training rule)."""
    return TrainingSession.objects.filter(plan__in=visible_training_plans(user).values("pk"))


def manages_session_quiz(user, session) -> bool:
    return manages_session(user, session)


def may_take_quiz(user, quiz) -> bool:
    """An open quiz, taken by those the training app lets take its
    session's quiz (training.selectors.may_take_session_quiz)."""
    from training.selectors import may_take_session_quiz

    return quiz.is_open and may_take_session_quiz(user, quiz.session)


def quiz_attempts_q(user) -> Q:
    """Whose attempts a user reads, as a Q over quizzes.Attempt: everyone
    their own; a supervisor those made in a department of their subtree;
    an administrator all."""
    if not (user.is_authenticated and user.is_active):
        return Q(pk__in=[])
    if _is_admin(user):
        return Q()
    own = Q(user_id=user.pk)
    region = supervised_region(user)
    if region is None:
        return own
    return own | Q(department__region__code__startswith=region.subtree_prefix)


def reads_quiz_results(user) -> bool:
    """Whether the user reads other people's results (supervisors, administrators)."""
    return user.is_authenticated and user.is_active and reported_region(user) is not None


# --- Resident engineers (驻场人员, residency/) --------------------------------
# Who sees which engineer and assessment (驻场考核), as conditions over
# residency's Engineer (path "") or anything that reaches one ("engineer__"):
# - supervisor: the engineers posted in their region's subtree, so a county's
#   supervisor sees the engineers posted in that county, the prefecture's all;
# - admin: every engineer;
# - operator: only themselves, read-only;
# - reporter: none.
# Supervisors record assessments of the engineers they see; administrators
# configure the assessment template.


def engineers_in_region_q(region, path: str = "") -> Q:
    """Engineers posted in a region's subtree (what a report on it covers)."""
    return Q(**{f"{path}post__code__startswith": region.subtree_prefix})


def visible_engineers_q(user, path: str = "") -> Q:
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if _is_admin(user):
        return Q()
    if user.role == Role.SUPERVISOR:
        region = supervised_region(user)
        return Q(pk__in=[]) if region is None else engineers_in_region_q(region, path)
    if user.role == Role.OPERATOR:
        return Q(**{f"{path}user_id": user.pk})
    return Q(pk__in=[])


def may_assess(user, engineer) -> bool:
    """A supervisor assesses the engineers posted in their region's subtree."""
    region = supervised_region(user)
    return (
        user.is_active
        and region is not None
        and engineer.post_id is not None
        and engineer.post_id.startswith(region.subtree_prefix)
    )


def may_configure_assessments(user) -> bool:
    return user.is_authenticated and user.is_active and _is_admin(user)


# --- Key work (重点工作, keywork/) ---------------------------------------------
# Who sees and works which key-work item, as conditions over keywork's Item:
# - supervisor: the items owned in their region's subtree (by the owner
#   county, or by an owner department lying in it), which they also enter,
#   edit and close; the prefecture's supervisor all of them;
# - department staff: the items their department owns, on which they post
#   progress updates and submit materials;
# - operator: every item, read-only (they support the work);
# - admin: everything.


def _key_work_region_q(region) -> Q:
    prefix = region.subtree_prefix
    return Q(region__code__startswith=prefix) | Q(department__region__code__startswith=prefix)


def key_work_q(user) -> Q:
    if not (user.is_authenticated and user.is_active):
        return Q(pk__in=[])
    if _is_admin(user) or user.role == Role.OPERATOR:
        return Q()
    if user.role == Role.SUPERVISOR:
        region = supervised_region(user)
        return Q(pk__in=[]) if region is None else _key_work_region_q(region)
    if user.department_id:
        return Q(department_id=user.department_id)
    return Q(pk__in=[])


def sees_key_work(user) -> bool:
    """The menu entry: supervisors, operators and administrators, and the
    staff of a department that owns an item."""
    if not (user.is_authenticated and user.is_active):
        return False
    if _is_admin(user) or user.role in (Role.OPERATOR, Role.SUPERVISOR):
        return True
    from keywork.models import Item

    return bool(user.department_id) and Item.objects.filter(key_work_q(user)).exists()


def enters_key_work(user, region=None) -> bool:
    """Supervisors (and administrators) enter and edit items owned in their
    region's subtree."""
    if not (user.is_authenticated and user.is_active):
        return False
    if _is_admin(user):
        return True
    root = supervised_region(user)
    if root is None:
        return False
    return region is None or region.code.startswith(root.subtree_prefix)


def edits_key_work(user, item) -> bool:
    return enters_key_work(user, item.region) or (
        item.department_id is not None and enters_key_work(user, item.department.region)
    )


def reports_key_work_progress(user, item) -> bool:
    """Post updates and submit materials: the item's editors and the staff
    of its owner department."""
    if edits_key_work(user, item):
        return True
    return (
        user.is_authenticated
        and user.is_active
        and user.role == Role.REPORTER
        and item.department_id is not None
        and user.department_id == item.department_id
    )


# --- Indicator analysis (数据分析, indicators/) -------------------------------
# The province's assessment figures and the findings drawn from them, by
# county: a supervisor sees and edits the figures and findings of the
# counties in their region's subtree (a county's supervisor: that county;
# the prefecture's: all eighteen, and the prefecture's own findings);
# administrators everything. The indicator tree and whole-sheet imports are
# for administrators and the prefecture's supervisor. Operators and
# reporters see nothing (the pages answer 404).


def _indicator_root(user):
    if not (user.is_authenticated and user.is_active):
        return None
    return reported_region(user)


def sees_indicators(user) -> bool:
    return _indicator_root(user) is not None


def indicator_regions_q(user, path: str = "") -> Q:
    """The regions (counties, and the prefecture for its supervisor) whose
    figures and findings the user reads and edits, as a Q over Region, or
    over a table reaching one through `path` (e.g. "county__")."""
    root = _indicator_root(user)
    if root is None:
        return Q(pk__in=[])
    return Q(**{f"{path}code__startswith": root.subtree_prefix})


def may_edit_indicator_region(user, region) -> bool:
    """Figures and findings of a county (or the prefecture) in the user's subtree."""
    root = _indicator_root(user)
    return root is not None and region.code.startswith(root.subtree_prefix)


def may_configure_indicators(user) -> bool:
    """The tree and the province's sheet cover the whole prefecture."""
    root = _indicator_root(user)
    return root is not None and root.level == Region.Level.PREFECTURE


def may_sign_findings(user, region) -> bool:
    """A supervisor signs off the findings of their subtree."""
    return getattr(user, "role", None) == Role.SUPERVISOR and may_edit_indicator_region(
        user, region
    )


# --- Inspections (巡检/抽检, inspections/) --------------------------------------
# Plans and their runs belong to the region of the plan's department:
# - operator: the plans they are responsible for and the runs given to them;
#   they record only their own runs;
# - supervisor: the plans and runs of their region's subtree, which they
#   configure (a county's supervisor their county's, the prefecture's all);
# - admin: everything;
# - reporter: nothing.


def _inspection_region_q(region, path: str) -> Q:
    return Q(**{f"{path}department__region__code__startswith": region.subtree_prefix})


def visible_plans_q(user, path: str = "") -> Q:
    """The scope as a Q over Plan, or with path "plan__" over Run."""
    if not (user.is_authenticated and user.is_active):
        return Q(pk__in=[])
    if _is_admin(user):
        return Q()
    if user.role == Role.SUPERVISOR:
        region = supervised_region(user)
        return Q(pk__in=[]) if region is None else _inspection_region_q(region, path)
    if user.role == Role.OPERATOR:
        return Q(**{f"{path}operator_id": user.pk})
    return Q(pk__in=[])


def visible_plans(user) -> QuerySet[Plan]:
    return Plan.objects.filter(visible_plans_q(user))


def visible_runs(user) -> QuerySet[Run]:
    """An operator's own runs (also of a plan since given to someone else);
    the supervisors' and administrators' by the plan's region."""
    if getattr(user, "role", None) == Role.OPERATOR and not _is_admin(user):
        return Run.objects.filter(operator_id=user.pk) if user.is_active else Run.objects.none()
    return Run.objects.filter(visible_plans_q(user, "plan__"))


def sees_inspections(user) -> bool:
    """The menu entry: operators, supervisors and administrators."""
    return (
        user.is_authenticated
        and user.is_active
        and (_is_admin(user) or user.role in (Role.OPERATOR, Role.SUPERVISOR))
    )


def configures_inspections(user, department=None) -> bool:
    """Supervisors set up plans for departments of their region's subtree;
    administrators for any."""
    root = reported_region(user)
    if root is None:
        return False
    return department is None or department.region_id.startswith(root.subtree_prefix)


def may_record_run(user, run) -> bool:
    """Only the operator the run is given to records it."""
    return user.is_authenticated and user.is_active and run.operator_id == user.pk


def inspection_departments(user) -> QuerySet[Department]:
    root = reported_region(user)
    if root is None:
        return Department.objects.none()
    return Department.objects.filter(region__code__startswith=root.subtree_prefix)
