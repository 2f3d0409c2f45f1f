"""Entries of the site menu that other apps add, grouped under one heading.

The top bar has room for few links, so the parts of one concern (for example
inspections, indicator analysis and key work under 平台运行) share a dropdown.
An app adds its entry from its AppConfig.ready():

    menu.register(MenuItem("platform", "inspections", _("Inspections"),
                           "inspections:index", order=10, visible=can_see))

`visible(user)` decides who sees the entry; a group with no visible entry
is not drawn at all.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class MenuItem:
    group: str
    key: str
    label: str
    url_name: str
    order: int = 100
    visible: Callable[[object], bool] = lambda user: True


_registry: dict[tuple[str, str], MenuItem] = {}


def register(item: MenuItem) -> MenuItem:
    """Add an entry, or replace the one registered under the same group and key."""
    _registry[(item.group, item.key)] = item
    return item


def entries(group: str, user) -> list[MenuItem]:
    """The group's entries this user may see, in order."""
    items = [i for (g, _k), i in _registry.items() if g == group]
    return [i for i in sorted(items, key=lambda i: (i.order, i.key)) if i.visible(user)]
