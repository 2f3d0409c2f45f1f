"""Generating, storing and sending period reports."""

import datetime as dt

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation

from helpdesk_site.outbox import services as outbox
from helpdesk_site.people.models import Role, User
from helpdesk_site.regions.models import Region
from reporting import documents, selectors
from reporting.models import StoredReport
from reporting.periods import LABELS, Kind, Period, containing, last_completed
from reporting.selectors import Filters

BUILDERS = {"docx": documents.build_docx, "xlsx": documents.build_xlsx}
MIME = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def render_report(period: Period, region: Region, fmt: str, now=None) -> bytes:
    """The document's bytes for a region (all of it, not a reader's view)."""
    if fmt not in BUILDERS:
        raise ValueError(fmt)
    # The contract's language, whoever asks (a command runs with no language).
    with translation.override("zh-hans"):
        figures = selectors.figures(Filters(period=period, region=region), now=now)
        return BUILDERS[fmt](figures)


def file_name(period: Period, region: Region, fmt: str) -> str:
    return f"{region.code}-{period.slug}.{fmt}"


@transaction.atomic
def generate_report(period: Period, region: Region, fmt: str, *, user=None, now=None, mail=True):
    """Render, store and (by default) e-mail a period report."""
    content = render_report(period, region, fmt, now=now)
    report = StoredReport(
        kind=period.kind,
        period_start=period.start,
        period_end=period.end,
        region=region,
        format=fmt,
        created_by=user,
    )
    report.file.save(file_name(period, region, fmt), ContentFile(content), save=False)
    report.save()
    if mail:
        outbox.enqueue(
            outbox.call(
                f"reports.mail:{report.pk}",
                send_report,
                summary=f"{report.region.name} {period.title}：报表邮件",
                report_id=report.pk,
            )
        )
    return report


def recipients(region: Region) -> list[User]:
    """Supervisors whose subtree covers the region: its own and those above."""
    ancestors = [region.code[:n] for n in (6, 9, 12) if len(region.code) >= n]
    prefecture = Region.objects.filter(level=Region.Level.PREFECTURE).values_list("code", flat=True)
    codes = set(ancestors) | set(prefecture)
    supervisors = User.objects.filter(role=Role.SUPERVISOR, is_active=True).select_related(
        "supervised_region", "department__region"
    )
    found = []
    for user in supervisors.exclude(email=""):
        watched = user.supervised_region or (user.department.region if user.department else None)
        if (
            watched is not None
            and watched.code in codes
            and region.code.startswith(watched.subtree_prefix)
        ):
            found.append(user)
    return found


@outbox.handler
def send_report(report_id: int) -> int:
    """E-mail a stored report to its supervisors; a failure is retried by
    the outbox."""
    report = StoredReport.objects.select_related("region").filter(pk=report_id).first()
    if report is None:
        return 0
    people = recipients(report.region)
    if not people:
        return 0
    period = containing(report.kind, report.period_start)
    subject = f"{report.region.name}运维{LABELS[period.kind]} {period.title}"
    message = EmailMessage(
        subject=subject,
        body=f"附件为{subject}，也可在运维服务台“运维报表”页面下载。",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[u.email for u in people],
    )
    with report.file.open("rb") as handle:
        message.attach(report.file.name.rsplit("/", 1)[-1], handle.read(), MIME[report.format])
    return message.send()


def due_reports(today: dt.date) -> list[Period]:
    """The periods that have ended by today: last week, month and year."""
    return [last_completed(kind, today) for kind in Kind]


def generate_due_reports(today: dt.date | None = None, regions=None) -> list[StoredReport]:
    """Scheduled run: for the prefecture and each county, a .docx and an .xlsx
    of every period that has ended and has no stored report yet (so a missed
    beat catches up, and a second run does nothing)."""
    today = today or timezone.localdate()
    if regions is None:
        regions = Region.objects.filter(level__in=[Region.Level.PREFECTURE, Region.Level.COUNTY])
    made = []
    for period in due_reports(today):
        for region in regions:
            for fmt in BUILDERS:
                exists = StoredReport.objects.filter(
                    kind=period.kind, period_start=period.start, region=region, format=fmt
                ).exists()
                if not exists:
                    made.append(generate_report(period, region, fmt))
    return made
