from django.core.management.base import BaseCommand

from helpdesk_site.tickets.models import Subsystem
from kb import faqs, term_statistics
from kb.demo import DEMO_FAQS


class Command(BaseCommand):
    help = "Publish the demo FAQs the project wrote (idempotent by question)."

    def handle(self, *args, **options):
        subsystems = {s.code: s for s in Subsystem.objects.all()}
        created = 0
        with term_statistics.deferred():
            for demo in DEMO_FAQS:
                try:
                    _faq, was_created = faqs.import_faq(
                        question=demo.question,
                        answer=demo.answer,
                        subsystem=subsystems.get(demo.subsystem),
                        category=demo.category,
                        source=f"demo:{demo.key}",
                    )
                except faqs.RetiredFaqError:
                    continue
                created += was_created
        self.stdout.write(f"demo FAQs: {created} new, {len(DEMO_FAQS) - created} already there")
