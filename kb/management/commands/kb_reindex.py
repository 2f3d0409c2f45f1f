from django.core.management.base import BaseCommand, CommandError

from kb import indexing, ticket_text
from kb.search import SearchUnavailable


class Command(BaseCommand):
    help = (
        "Segment every FAQ and ticket again and rebuild the database's search vectors; "
        "with Elasticsearch configured, also recreate its indexes and send everything."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--elasticsearch-only", action="store_true", help="skip the database part"
        )

    def handle(self, *args, elasticsearch_only, **options):
        progress = lambda message: self.stdout.write(message)  # noqa: E731
        if elasticsearch_only and not indexing.uses_elasticsearch():
            raise CommandError("ELASTICSEARCH_URL is not set", returncode=2)
        if not elasticsearch_only:
            counts = ticket_text.resegment_all(progress)
            self.stdout.write(f"database: {counts['faq']} FAQs, {counts['ticket']} tickets")
        if indexing.uses_elasticsearch():
            from kb.search import elastic

            try:
                counts = elastic.reindex_all(progress)
            except SearchUnavailable as error:
                raise CommandError(f"Elasticsearch unavailable: {error}", returncode=1) from error
            self.stdout.write(f"elasticsearch: {counts['faq']} FAQs, {counts['ticket']} tickets")
