"""Who may write and who may review FAQs: read by pages, selectors and the
services that change the knowledge base."""

from django.core.exceptions import PermissionDenied

from helpdesk_site.people.models import Role
from helpdesk_site.tickets import scope


def can_review(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return (
        user.is_superuser
        or user.role in (Role.SUPERVISOR, Role.ADMIN)
        or user.has_perm("kb.review_faq")
    )


def can_write(user) -> bool:
    return scope.works_tickets(user) or can_review(user)


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)
