"""django-helpdesk's URLs, as the site mounts them under /helpdesk/.

Its views stay its own; the ticket scope middleware guards every one that
names a ticket. A few are swapped here, keeping their names so helpdesk's
templates can still link to them:
- views that would list tickets across queues without the scope rules (its
  RSS feeds) and pages made to be framed by other sites become a plain 404;
- its dashboard and kanban, which count tickets outside the scope module,
  become the site's (tickets/staff_views.py), and its report pages lead to
  the site's reports (supervisors and administrators; others get a 403);
- its ticket list becomes the operator's queue (soonest due first, with
  bulk take and assign), and its update view refuses a 处理人 who does not work the ticket's
  queue or to resolve a fault or
  emergency without its root cause (tickets/staff_views.py); the workbench
  adds its own actions beside them (WORKBENCH), and its hold and unhold
  pause and resume the clocks through the SLA service, with a reason;
- nothing on the record is erased (helpdesk_site/audit/, docs/audit.md): a
  ticket is withdrawn (撤销) on the page that was helpdesk's delete page, its
  list's bulk "delete" is refused, follow-ups and attachments are never
  deleted (a follow-up is edited, its original kept), and its API answers
  DELETE on any of them with 405.
"""

from django.http import Http404
from django.urls import URLPattern, URLResolver, path
from helpdesk import urls as helpdesk

from helpdesk_site.audit import views as audit_views
from helpdesk_site.tickets import staff_views
from reporting import views as reporting_views

# RSS feeds list tickets by user or queue with no per-queue check.
DISABLED = {"rss_user", "rss_user_queue", "rss_queue", "rss_unassigned", "rss_activity"}
# helpdesk exempts these from X-Frame-Options, and submit_iframe also from the
# CSRF check, so another site could file tickets in a logged-in user's name.
# Nothing here embeds them.
DISABLED |= {"submit_iframe", "success_iframe", "kb_category_iframe"}


def disabled_view(request, *args, **kwargs):
    raise Http404


REPLACED = {
    "dashboard": staff_views.dashboard,
    "list": staff_views.work_queue,
    "kanban": staff_views.kanban,
    "report_index": reporting_views.helpdesk_reports,
    "run_report": reporting_views.helpdesk_reports,
    "delete": audit_views.withdraw_ticket,
    "mass_update": audit_views.mass_update,
    "update": staff_views.update_ticket,
    "hold": staff_views.hold,
    "unhold": staff_views.unhold,
    "followup_delete": audit_views.refuse_followup_delete,
    "attachment_del": audit_views.refuse_attachment_delete,
    **dict.fromkeys(DISABLED, disabled_view),
}


# The API's detail routes whose DELETE would erase part of the record.
WITHOUT_DESTROY = {"ticket-detail", "followups-detail", "followupattachments-detail"}


def _site_pattern(pattern):
    if isinstance(pattern, URLResolver):
        return URLResolver(
            pattern.pattern,
            [_site_pattern(p) for p in pattern.url_patterns],
            pattern.default_kwargs,
            pattern.app_name,
            pattern.namespace,
        )
    name = getattr(pattern, "name", None)
    if name in REPLACED:
        return URLPattern(pattern.pattern, REPLACED[name], name=name)
    if name in WITHOUT_DESTROY:
        view = pattern.callback
        actions = {method: a for method, a in view.actions.items() if a != "destroy"}
        return URLPattern(pattern.pattern, view.cls.as_view(actions, **view.initkwargs), name=name)
    return pattern


# The workbench's own actions on helpdesk's ticket page and list.
WORKBENCH = [
    path("tickets/assign/", staff_views.bulk_assign, name="bulk_assign"),
    path("tickets/<int:ticket_id>/reclassify/", staff_views.reclassify, name="reclassify"),
    path("tickets/<int:ticket_id>/escalate/", staff_views.escalate, name="escalate"),
]

urlpatterns = WORKBENCH + [_site_pattern(p) for p in helpdesk.urlpatterns]
