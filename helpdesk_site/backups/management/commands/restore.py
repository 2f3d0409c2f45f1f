from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from helpdesk_site.backups import services


class Command(BaseCommand):
    help = (
        "Restore an archive made by `backup` into this instance (database and media folder). "
        "Refuses a target that holds records unless --force; checks the whole archive first."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the .tar file made by `manage.py backup`")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace the target's database even though it holds records",
        )
        parser.add_argument("--database", default="default", help="database alias")

    def handle(self, *args, **options):
        try:
            result = services.restore(
                Path(options["archive"]), alias=options["database"], force=options["force"]
            )
        except services.BackupRefused as error:
            raise CommandError(f"{error}. Nothing was changed.", returncode=2) from None
        except services.BackupFailed as error:
            raise CommandError(str(error)) from None
        manifest = result.manifest
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']} ({manifest['engine']}) "
            f"in {result.seconds:.1f} s: {len(result.tables)} tables, "
            f"{sum(result.tables.values()):,} rows, each table as archived; "
            f"{result.files:,} files ({result.file_bytes:,} bytes)"
        )
        for name, count in services.summary(result.tables):
            self.stdout.write(f"  {name:<26}{count:>10,}")
        if manifest["missing_files"]:
            self.stderr.write(
                f"warning: {len(manifest['missing_files'])} files were already missing when the "
                "backup was made (listed in its manifest)"
            )
        if result.pending_migrations:
            self.stdout.write(
                f"This code has {result.pending_migrations} migrations the archive predates: "
                "run `manage.py migrate` before starting the desk."
            )
        self.stdout.write(
            "Logged-in sessions are not archived: users log in again. With Elasticsearch, "
            "run `manage.py kb_reindex`."
        )
