from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from helpdesk_site.regions.codes import LEVELS, SHIPPED_DIVISIONS, DivisionFileError
from helpdesk_site.regions.services import load_regions

SHARED_DIVISIONS = settings.BASE_DIR.parent / "shared" / "data" / "ganzi_divisions.csv"


class Command(BaseCommand):
    help = "Load the region tree (prefecture, counties, townships, villages) from a CSV."

    def add_arguments(self, parser):
        parser.add_argument(
            "csv",
            nargs="?",
            type=Path,
            help="code,name,level,parent_code; default: ../shared/data's file "
            "when present, else the copy shipped with the product",
        )
        parser.add_argument("--max-level", choices=LEVELS, default="village")

    def handle(self, *args, csv=None, max_level="village", **options):
        path = csv or (SHARED_DIVISIONS if SHARED_DIVISIONS.exists() else SHIPPED_DIVISIONS)
        if not path.is_file():
            raise CommandError(f"no such file: {path}", returncode=2)
        try:
            count = load_regions(path, max_level=max_level)
        except (DivisionFileError, UnicodeDecodeError) as error:
            raise CommandError(f"{path}: {error}", returncode=2) from error
        self.stdout.write(f"loaded {count} regions from {path}")
