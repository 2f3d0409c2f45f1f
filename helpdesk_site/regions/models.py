from django.db import models
from django.utils.translation import gettext_lazy as _

from helpdesk_site.regions.codes import ancestor_codes, subtree_prefix


class Region(models.Model):
    """An administrative division (行政区划), keyed by its statistical code.

    A code starts with its ancestors' significant digits, so a region's subtree
    is every code with its prefix: one indexed LIKE query, no recursion.
    """

    class Level(models.TextChoices):
        PREFECTURE = "prefecture", _("Prefecture")
        COUNTY = "county", _("County")
        TOWNSHIP = "township", _("Township")
        VILLAGE = "village", _("Village")

    code = models.CharField(_("statistical code"), max_length=12, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.name

    @property
    def subtree_prefix(self) -> str:
        return subtree_prefix(self.code, self.level)

    def path(self) -> list["Region"]:
        """Ancestors from the prefecture down to this region, for display."""
        codes = ancestor_codes(self.code, self.level)
        ancestors = {r.code: r for r in Region.objects.filter(code__in=codes)}
        return [*(ancestors[c] for c in codes if c in ancestors), self]
