import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from helpdesk_site.regions.models import Region
from reporting import services
from reporting.periods import FuturePeriod, Kind, as_of, containing


class Command(BaseCommand):
    help = "Write a weekly, monthly or annual report (运维报表) of a region to a file."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, choices=[k.value for k in Kind])
        parser.add_argument("--date", required=True, help="any day of the period, YYYY-MM-DD")
        parser.add_argument("--region", default=None, help="region code (default: the prefecture)")
        parser.add_argument("--format", required=True, choices=list(services.BUILDERS))
        parser.add_argument("--out", required=True, help="file to write")

    def handle(self, *args, **options):
        try:
            day = dt.date.fromisoformat(options["date"])
        except ValueError:
            raise CommandError(
                f"not a date: {options['date']!r} (YYYY-MM-DD)", returncode=2
            ) from None
        if options["region"]:
            region = Region.objects.filter(code=options["region"]).first()
        else:
            region = Region.objects.filter(level=Region.Level.PREFECTURE).first()
        if region is None:
            raise CommandError(f"no such region: {options['region']!r}", returncode=2)
        out = Path(options["out"])
        if not out.parent.is_dir():
            raise CommandError(f"no such folder: {out.parent}", returncode=2)
        try:
            period = as_of(containing(options["period"], day), timezone.localdate())
        except FuturePeriod:
            raise CommandError(
                f"该报告期尚未开始，无法生成报表：{options['date']}", returncode=2
            ) from None
        content = services.render_report(period, region, options["format"])
        out.write_bytes(content)
        self.stdout.write(f"{region.name} {period.title}: {out} ({len(content)} bytes)")
