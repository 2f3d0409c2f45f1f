import logging

from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from helpdesk_site.people import passwords, selectors
from helpdesk_site.people.models import Role

logger = logging.getLogger(__name__)


def ensure_role_groups() -> dict[str, Group]:
    """One group per role; permissions are granted to the groups in the admin."""
    return {role: Group.objects.get_or_create(name=role)[0] for role in Role.values}


def ensure_role_groups_after_migrate(**kwargs):
    ensure_role_groups()


def sync_role_group(user) -> None:
    """Keep the user in exactly the group of their role."""
    groups = ensure_role_groups()
    role_groups = [g for name, g in groups.items() if name != user.role]
    user.groups.remove(*role_groups)
    user.groups.add(groups[user.role])


def sync_role_group_on_save(sender, instance, raw=False, **kwargs):
    if not raw:
        sync_role_group(instance)


@transaction.atomic
def reset_to_one_time_password(actor, user) -> str:
    """Give the user a one-time password (to be told to them in person or
    by phone); their next login must set a new one. Their open sessions end,
    and a lockout of their account is lifted."""
    if not selectors.may_reset(actor, user):
        raise PermissionDenied(_("You may not reset this account's password."))
    password = passwords.one_time_password()
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    AccessAttempt.objects.filter(username=user.get_username()).delete()
    logger.info("password of %s reset to a one-time password by %s", user.pk, actor.pk)
    return password


def password_changed(user) -> None:
    """The user chose their own password: the one-time one is gone."""
    if user.must_change_password:
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])
