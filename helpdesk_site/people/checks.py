from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from helpdesk_site.people.addresses import trusted_networks


@checks.register(checks.Tags.security)
def trusted_proxies_parse(app_configs, **kwargs):
    try:
        trusted_networks()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="people.E001")]
    return []


@checks.register(checks.Tags.security, deploy=True)
def proxy_named_when_behind_one(app_configs, **kwargs):
    if not getattr(settings, "BEHIND_PROXY", False) or settings.TRUSTED_PROXIES:
        return []
    return [
        checks.Warning(
            "BEHIND_PROXY is set but TRUSTED_PROXIES is empty: every client looks like "
            "the proxy, so the per-address log-in limit would lock out everyone at once.",
            hint="Set TRUSTED_PROXIES to the proxy's address or network as daphne sees it.",
            id="people.W001",
        )
    ]
