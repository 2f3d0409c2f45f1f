from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from helpdesk_site.regions.models import Region


class Role(models.TextChoices):
    REPORTER = "reporter", _("Department staff")
    OPERATOR = "operator", _("Operator")
    SUPERVISOR = "supervisor", _("Supervisor")
    ADMIN = "admin", _("Administrator")


class Department(models.Model):
    """A government department or office (单位/部门) at one region."""

    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="departments"
    )

    class Meta:
        ordering = ["region", "name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="department_unique_per_region")
        ]

    def __str__(self):
        if self.name.startswith(self.region.name):
            return self.name
        return f"{self.region.name} {self.name}"


class User(AbstractUser):
    """A person who uses the service desk, with one department and one role.

    Operators and administrators work in django-helpdesk's staff interface, so
    their role makes them staff; an administrator is a superuser. The role also
    decides the user's group, which carries the role's permissions.
    """

    role = models.CharField(
        _("role"), max_length=12, choices=Role.choices, default=Role.REPORTER, db_index=True
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    supervised_region = models.ForeignKey(
        Region,
        verbose_name=_("supervised region"),
        help_text=_("Supervisors see every ticket in this region and below it."),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervisors",
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_("Set by a one-time password: the next login asks for a new password."),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def save(self, *args, **kwargs):
        self.is_staff = self.role in (Role.OPERATOR, Role.ADMIN) or self.is_superuser
        if self.role == Role.ADMIN:
            self.is_superuser = True
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        """One name as people write it: Chinese family name first with no
        space (王运维), other names given name first (Ada Lovelace).
        django-helpdesk and the admin show this, or the user name if blank."""
        family, given = self.last_name.strip(), self.first_name.strip()
        if family and given and not (family + given).isascii():
            return f"{family}{given}"
        return f"{given} {family}".strip()

    def display_name(self) -> str:
        return self.get_full_name() or self.username

    def __str__(self):
        # helpdesk prints users as they are (history lines, follow-up bylines).
        return self.display_name()
