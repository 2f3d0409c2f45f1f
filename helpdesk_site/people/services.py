from django.contrib.auth.models import Group

from helpdesk_site.people.models import Role


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
