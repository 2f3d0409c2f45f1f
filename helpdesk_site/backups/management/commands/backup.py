from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from helpdesk_site.backups import archive, services


class Command(BaseCommand):
    help = (
        "Back up the database, the uploaded files and the stored reports into one archive "
        "(servicedesk-<UTC time>.tar), consistent with each other."
    )

    def add_arguments(self, parser):
        where = parser.add_mutually_exclusive_group()
        where.add_argument(
            "--dir", help="folder for the archive (default: VAR_DIR/backups), named by the time"
        )
        where.add_argument("--output", help="the archive's file name (must not exist)")
        parser.add_argument(
            "--keep-days",
            type=int,
            help="then delete archives in the folder older than this many days (never the newest)",
        )
        parser.add_argument("--database", default="default", help="database alias")

    def handle(self, *args, **options):
        keep_days = options["keep_days"]
        if keep_days is not None and keep_days < 1:
            raise CommandError("--keep-days must be 1 or more", returncode=2)
        if options["output"]:
            destination = Path(options["output"]).absolute()
        else:
            folder = Path(options["dir"] or Path(settings.VAR_DIR) / "backups").absolute()
            if not options["dir"]:
                folder.mkdir(exist_ok=True)
            destination = folder / archive.archive_name(timezone.now())
        try:
            result = services.backup(destination, alias=options["database"])
        except services.BackupRefused as error:
            raise CommandError(str(error), returncode=2) from None
        except services.BackupFailed as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"{result.path}: {result.size:,} bytes in {result.seconds:.1f} s; "
            f"{len(result.tables)} tables, {sum(result.tables.values()):,} rows; "
            f"{result.files:,} files ({result.file_bytes:,} bytes)"
        )
        for name, count in services.summary(result.tables):
            self.stdout.write(f"  {name:<26}{count:>10,}")
        if result.missing:
            self.stderr.write(
                f"warning: {len(result.missing)} files the database refers to were not on disk "
                f"and are not in the archive, e.g. {result.missing[0]} (listed in its manifest)"
            )
        if keep_days is not None:
            for path in services.prune(destination.parent, keep_days):
                self.stdout.write(f"deleted {path.name} (older than {keep_days} days)")
