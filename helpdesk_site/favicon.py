"""/favicon.ico, which browsers ask for on pages that name no icon (helpdesk's
and the admin's): the site's icon, from the static files."""

from django.shortcuts import redirect
from django.templatetags.static import static
from django.views.decorators.cache import cache_control

ICON = "servicedesk/favicon.svg"


@cache_control(max_age=86400, public=True)
def favicon(request):
    return redirect(static(ICON), permanent=True)
