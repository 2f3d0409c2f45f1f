from pathlib import Path

from django.db import transaction

from helpdesk_site.regions.codes import read_divisions
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
