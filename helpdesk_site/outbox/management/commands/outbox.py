"""Inspect and drive the outbox (发件箱).

manage.py outbox                 what waits, what failed
manage.py outbox deliver         deliver what is due now (as the beat does)
manage.py outbox retry ID … | --all-failed
manage.py outbox purge           forget old delivered messages
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from helpdesk_site.outbox import selectors, services
from helpdesk_site.outbox.models import Message, State


class Command(BaseCommand):
    help = "Inspect the outbox, deliver what is due, retry failed messages."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action")
        actions.add_parser("status", help="what waits, what failed (the default)")
        actions.add_parser("deliver", help="deliver what is due now")
        retry = actions.add_parser("retry", help="send failed messages again")
        retry.add_argument("ids", nargs="*", type=int)
        retry.add_argument("--all-failed", action="store_true")
        actions.add_parser("purge", help="forget old delivered messages")

    def handle(self, *args, action=None, **options):
        if action == "deliver":
            counts = services.deliver()
            self.stdout.write(
                "delivered {delivered}, to retry {retrying}, failed {failed}".format(
                    **{k: counts.get(k, 0) for k in ("delivered", "retrying", "failed")}
                )
            )
        elif action == "retry":
            if options["all_failed"] == bool(options["ids"]):
                raise CommandError("give message ids or --all-failed (not both)")
            failed = Message.objects.filter(state=State.FAILED)
            if options["ids"]:
                failed = failed.filter(pk__in=options["ids"])
            count = services.retry(list(failed.values_list("pk", flat=True)))
            self.stdout.write(f"{count} failed messages will be sent again")
        elif action == "purge":
            self.stdout.write(f"{services.purge()} delivered messages forgotten")
        else:
            self._status()

    def _status(self):
        status = selectors.status()
        for state, count in status["by_state"].items():
            self.stdout.write(f"{state:<10}{count:>8}")
        self.stdout.write(f"{'due now':<10}{status['due']:>8}")
        if status["oldest_pending"]:
            oldest = timezone.localtime(status["oldest_pending"])
            self.stdout.write(f"oldest pending since {oldest:%Y-%m-%d %H:%M:%S}")
        for message in selectors.failed():
            self.stdout.write(f"failed #{message.pk} {message.key}: {message.last_error}")
