import json

from django.core.management.base import BaseCommand, CommandError

from kb import feedback, search
from kb.models import SearchMiss


class Command(BaseCommand):
    help = "Search the published FAQs (public and internal) and print them, best first."

    def add_arguments(self, parser):
        parser.add_argument("query")
        parser.add_argument("--limit", type=int, default=10)
        parser.add_argument("--json", action="store_true", help="a JSON list of id/question/score")

    def handle(self, *args, query, limit, json: bool, **options):
        if not query.strip():
            raise CommandError("the query is empty", returncode=2)
        if not 1 <= limit <= search.MAX_LIMIT:
            raise CommandError(f"--limit must be 1 to {search.MAX_LIMIT}", returncode=2)
        hits = search.search_faqs(query, public_only=False, limit=limit)
        if not hits:
            feedback.record_search_miss(query=query, where=SearchMiss.Where.COMMAND)
        if json:
            self.stdout.write(
                _dumps([{"id": h.id, "question": h.title, "score": h.score} for h in hits])
            )
            return
        for rank, hit in enumerate(hits, start=1):
            self.stdout.write(f"{rank:>3}. [{hit.score:.3f}] #{hit.id} {hit.title}")
        if not hits:
            self.stdout.write("no results")


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)
