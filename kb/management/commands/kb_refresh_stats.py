from django.core.management.base import BaseCommand

from kb import selectors, term_statistics
from kb.models import Corpus


class Command(BaseCommand):
    help = (
        "Count the term statistics search ranks with again (the beat does this "
        "periodically; run it after loading data by other means)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--corpus",
            choices=Corpus.values,
            action="append",
            help="only this collection (repeatable); default: all",
        )

    def handle(self, *args, corpus, **options):
        for name in corpus or Corpus.values:
            stored = term_statistics.refresh_term_statistics(name)
            self.stdout.write(
                f"{name}: {stored.documents} documents, "
                f"{selectors.term_count(name)} words, {stored.seconds:.2f} s"
            )
