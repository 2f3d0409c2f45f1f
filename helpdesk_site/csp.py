"""The Content-Security-Policy of every page (django-csp).

The site's own pages get a strict policy (CONTENT_SECURITY_POLICY): scripts
and styles from our origin only, or inline with the request's nonce; no
inline event handlers; nothing from elsewhere; never framed.

django-helpdesk's staff pages cannot meet it: their templates carry inline
<script> blocks and onclick handlers, and its checklist pages load two
scripts from CDNs; we do not copy helpdesk's templates to change that. Their
policy (CONTENT_SECURITY_POLICY_HELPDESK) allows inline scripts and styles
and those two files, so it does not stop an injected inline script; it still
keeps every other origin out, and keeps the pages from being framed, posting
forms or connecting anywhere but here. docs/security.md says what each allows.
"""

from csp.middleware import CSPMiddleware
from django.conf import settings


def _is_helpdesk_page(request) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and match.namespace == "helpdesk"


class SiteCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and parts.config is None and _is_helpdesk_page(request):
            parts.config = settings.CONTENT_SECURITY_POLICY_HELPDESK["DIRECTIVES"]
            # A nonce in the policy would make browsers ignore 'unsafe-inline'.
            parts.nonce = None
        return parts
