"""Import historical resolved tickets from a legacy desk's or a hotline's export.

    manage.py import_tickets FILE [--subsystem CODE] [--category CODE]
        [--department ID_OR_NAME] [--region CODE_OR_NAME] [--priority 1-5]
        [--format jsonl|csv|xlsx] [--encoding NAME] [--dry-run] [--all-or-nothing] [--json]

Exit status: 0 when every row was imported or already present, 1 when some
rows were not (each is reported; the good rows are imported unless
--all-or-nothing), 2 when the options or the file cannot be used at all.
See docs/import.md.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from helpdesk_site.tickets import importing
from helpdesk_site.tickets import importing_services as service
from helpdesk_site.tickets.models import Category


class Command(BaseCommand):
    help = "Import historical resolved tickets from a .jsonl, .csv or .xlsx export."

    def add_arguments(self, parser):
        parser.add_argument("file", help="path of the export")
        parser.add_argument(
            "--format", choices=importing.FORMATS, default="", help="default: from the suffix"
        )
        parser.add_argument("--encoding", default="", help="default: UTF-8, else GB18030")
        parser.add_argument(
            "--subsystem",
            default=service.Defaults.subsystem,
            help="code or name, for rows that give none (default: %(default)s)",
        )
        parser.add_argument(
            "--category",
            default=service.Defaults.category,
            help=f"one of {', '.join(Category.values)}, for rows that give none "
            "(default: %(default)s)",
        )
        parser.add_argument("--department", default="", help="id or name, for rows without one")
        parser.add_argument("--region", default="", help="code or name, for rows without one")
        parser.add_argument(
            "--priority", type=int, choices=range(1, 6), default=service.DEFAULT_PRIORITY
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check everything, store nothing"
        )
        parser.add_argument(
            "--all-or-nothing", action="store_true", help="import nothing if any row is bad"
        )
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")

    def handle(self, *args, **options):
        try:
            parsed = importing.parse_file(
                Path(options["file"]),
                file_format=options["format"],
                encoding=options["encoding"],
            )
        except importing.ImportFileError as error:
            raise CommandError(
                f"{options['file']}: {service.describe_file_error(error)}", returncode=2
            ) from None
        defaults = service.Defaults(
            subsystem=options["subsystem"],
            category=options["category"],
            department=str(options["department"]),
            region=str(options["region"]),
            priority=options["priority"],
        )
        try:
            result = service.import_tickets(
                parsed.tickets,
                parsed.errors,
                defaults,
                dry_run=options["dry_run"],
                all_or_nothing=options["all_or_nothing"],
                progress=None if options["json"] else self._progress,
            )
        except service.ImportSetupError as error:
            raise CommandError(str(error), returncode=2) from None
        self._report(parsed, result, options)
        if result.errors:
            raise CommandError(
                _("%(count)s rows not imported") % {"count": result.summary()["failed"]},
                returncode=1,
            )

    def _progress(self, done: int) -> None:
        self.stderr.write(f"… {done}")

    def _report(self, parsed, result, options) -> None:
        summary = result.summary()
        stored_nothing = options["dry_run"] or (options["all_or_nothing"] and result.errors)
        messages = [service.describe_row_error(e) for e in result.errors]
        if options["json"]:
            payload = {
                **summary,
                "would_import": result.planned if stored_nothing else None,
                "dry_run": options["dry_run"],
                "encoding": parsed.encoding,
                "ignored_columns": sorted(parsed.ignored_columns),
                "errors": [
                    {"row": e.row, "field": e.field, "code": e.code, "message": m}
                    for e, m in zip(result.errors, messages, strict=True)
                ],
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        for message in messages:
            self.stderr.write(message)
        if parsed.ignored_columns:
            self.stdout.write(
                _("Ignored columns: %(columns)s")
                % {"columns": "、".join(sorted(parsed.ignored_columns))}
            )
        if stored_nothing:
            self.stdout.write(
                _("Nothing stored: %(count)s rows would be imported.") % {"count": result.planned}
            )
        self.stdout.write(
            _(
                "Imported: %(imported)s; already present, skipped: %(already_present)s; "
                "failed: %(failed)s."
            )
            % summary
        )
