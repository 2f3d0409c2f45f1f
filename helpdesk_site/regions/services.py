from pathlib import Path

from django.db import transaction

from helpdesk_site.regions.codes import SHIPPED_DIVISIONS, read_divisions
from helpdesk_site.regions.models import Region


@transaction.atomic
def load_regions(path: Path, max_level: str = "village") -> int:
    """Insert or update the regions of a division file; returns how many rows.

    Idempotent: codes are primary keys and rows are upserted, so running it
    again after a new NBS edition renames regions without touching tickets.
    """
    divisions = read_divisions(path, max_level=max_level)
    known = {d.code for d in divisions} | set(Region.objects.values_list("code", flat=True))
    Region.objects.bulk_create(
        [
            Region(
                code=d.code,
                name=d.name,
                level=d.level,
                parent_id=d.parent_code if d.parent_code in known else None,
            )
            for d in divisions
        ],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "level", "parent"],
        batch_size=1000,
    )
    return len(divisions)


def ensure_counties() -> int:
    """Put back the prefecture and its 18 counties if any is missing (a data
    migration made them; emptying the tables, as `flush` does, removes them).
    Existing rows are left as they are."""
    divisions = read_divisions(SHIPPED_DIVISIONS, max_level="county")
    present = set(
        Region.objects.filter(code__in=[d.code for d in divisions]).values_list("code", flat=True)
    )
    missing = [d for d in divisions if d.code not in present]
    for division in missing:
        Region.objects.get_or_create(
            code=division.code,
            defaults={
                "name": division.name,
                "level": division.level,
                "parent_id": division.parent_code if division.level == "county" else None,
            },
        )
    return len(missing)


def ensure_counties_after_migrate(**kwargs):
    ensure_counties()
