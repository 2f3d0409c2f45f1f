"""django-helpdesk's URLs, as the site mounts them under /helpdesk/.

Its views stay its own; the ticket scope middleware guards every one that
names a ticket. Views that would list tickets across queues without the scope
rules are swapped for a plain 404 here, keeping their names so helpdesk's
templates can still link to them.
"""

from django.http import Http404
from django.urls import URLPattern
from helpdesk import urls as helpdesk

# RSS feeds list tickets by user or queue with no per-queue check.
DISABLED = {"rss_user", "rss_user_queue", "rss_queue", "rss_unassigned", "rss_activity"}

# --- Pages made to be framed by other sites (security) ---------------------
# helpdesk exempts these from X-Frame-Options, and submit_iframe also from the
# CSRF check, so another site could file tickets in a logged-in user's name.
# Nothing here embeds them.
DISABLED |= {"submit_iframe", "success_iframe", "kb_category_iframe"}
# --- end of pages made to be framed -----------------------------------------


def disabled_view(request, *args, **kwargs):
    raise Http404


urlpatterns = [
    URLPattern(p.pattern, disabled_view, name=p.name) if getattr(p, "name", None) in DISABLED else p
    for p in helpdesk.urlpatterns
]


# --- No hard deletes (helpdesk_site/audit/, docs/audit.md) --------------------
# A ticket is withdrawn (撤销), never deleted: helpdesk's delete page becomes
# the withdraw page, its API refuses DELETE on a ticket (405), and the bulk
# "delete" of its ticket list is refused. Everything else stays helpdesk's.
from django.urls import URLResolver  # noqa: E402

from helpdesk_site.audit import views as audit_views  # noqa: E402

REPLACED = {"delete": audit_views.withdraw_ticket, "mass_update": audit_views.mass_update}


def _without_hard_deletes(pattern):
    if isinstance(pattern, URLResolver):
        return URLResolver(
            pattern.pattern,
            [_without_hard_deletes(p) for p in pattern.url_patterns],
            pattern.default_kwargs,
            pattern.app_name,
            pattern.namespace,
        )
    name = getattr(pattern, "name", None)
    if name in REPLACED:
        return URLPattern(pattern.pattern, REPLACED[name], name=name)
    if name == "ticket-detail":
        view = pattern.callback
        actions = {method: a for method, a in view.actions.items() if a != "destroy"}
        return URLPattern(pattern.pattern, view.cls.as_view(actions, **view.initkwargs), name=name)
    return pattern


urlpatterns = [_without_hard_deletes(p) for p in urlpatterns]
