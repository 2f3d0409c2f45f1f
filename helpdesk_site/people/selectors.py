from django.db.models import Q, QuerySet

from helpdesk_site.people.models import Role, User
from helpdesk_site.tickets import scope


def manages_accounts(actor) -> bool:
    return actor.is_authenticated and (
        actor.is_superuser or actor.role == Role.ADMIN or scope.supervised_region(actor) is not None
    )


def resettable_users(actor) -> QuerySet[User]:
    """Whose password the actor may reset: an administrator anyone's but an
    administrator's; a supervisor the people of their region (not other
    supervisors above them, nor administrators); nobody else anyone's."""
    if not actor.is_authenticated or not actor.is_active:
        return User.objects.none()
    others = User.objects.exclude(pk=actor.pk).exclude(role=Role.ADMIN).exclude(is_superuser=True)
    if actor.is_superuser or actor.role == Role.ADMIN:
        return others
    region = scope.supervised_region(actor)
    if region is None:
        return User.objects.none()
    prefix = region.subtree_prefix
    return others.filter(
        Q(department__region__code__startswith=prefix, supervised_region__isnull=True)
        | Q(supervised_region__code__startswith=prefix)
    ).exclude(supervised_region__code=region.code)


def may_reset(actor, user) -> bool:
    return resettable_users(actor).filter(pk=user.pk).exists()
