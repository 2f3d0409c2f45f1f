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
