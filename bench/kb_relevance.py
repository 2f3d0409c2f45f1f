"""Relevance on real FAQs: the 3,000 Q&A of gov_faq.jsonl and clerk-style queries.

    .venv/bin/python bench/kb_relevance.py --database bench_perf_relevance [--keep]
    .venv/bin/python bench/kb_relevance.py        # SQLite: var/kb_relevance.sqlite3

Loads every FAQ of ../shared/data/eval/gov_faq.jsonl (READ there, never
copied) into the desk through the product's own path (kb.faqs.import_faq,
then kb.ticket_text.resegment_all, as `manage.py kb_reindex` does), kept for the
next run (--rebuild starts over). Then runs the queries of
bench/data/relevance_queries.json (written before any ranking was run; a dev
half to tune on and a test half never tuned on) two ways in the same run:

- plain BM25: jieba.lcut with jieba's own dictionary, BM25 (k1 1.2, b 0.75)
  over question + answer, implemented here;
- first stage: kb.ranking's BM25 with synonyms, thesaurus and character
  pairs alone (the ranking before the re-ranker);
- previous: the first stage's best re-ranked by the re-ranker before the
  character and substring features (its 16 features with its weights, kept
  in bench/data/rerank_weights_previous.json);
- ours: kb.search.search_faqs, as the desk searches (the first stage's best
  re-ranked by kb.reranking, fitted on the dev half by bench/kb_rerank_fit.py).

It prints MRR@10 and recall@5 for each half, and for ours the score floor:
how often a query shows a confident suggestion at all, how often the first
confident suggestion is right (precision), how often the right FAQ is among
those shown, and how often a question the collection cannot answer shows
nothing. bench/kb_rerank_fit.py chooses that floor on the dev half alone.
"""

import argparse
import json
import math
import os
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import runinfo  # noqa: E402
from bench.eval_data import eval_file  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk_site.settings")
SQLITE = f"sqlite:///{ROOT / 'var' / 'kb_relevance.sqlite3'}"
EVAL = eval_file("gov_faq.jsonl")
QUERIES = ROOT / "bench" / "data" / "relevance_queries.json"
PREVIOUS = ROOT / "bench" / "data" / "rerank_weights_previous.json"
SOURCE = "gov_faq.jsonl:"
DEPTH = 10
SUGGESTIONS = 5


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rebuild", action="store_true", help="load the FAQs again")
    parser.add_argument("--half", choices=("dev", "test", "both"), default="both")
    parser.add_argument("--misses", action="store_true", help="list the dev queries ours misses")
    add_database_arguments(parser)
    return parser.parse_args()


def add_database_arguments(parser):
    parser.add_argument(
        "--database", help="PostgreSQL database (made if missing); default: the SQLite file"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database if this run made it")


def services(args):
    """The run's database (the SQLite file unless --database), never the
    caller's DATABASE_URL, and no shared Redis (the cache in memory)."""
    os.environ.pop("REDIS_URL", None)
    if args.database is None:
        os.environ["DATABASE_URL"] = SQLITE
    return runinfo.Services(args)


def setup_django():
    import django

    if not EVAL.exists():
        sys.exit(f"{EVAL} not found: the bench reads its FAQs from there")
    (ROOT / "var").mkdir(exist_ok=True)
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def read_faqs() -> list[dict]:
    with open(EVAL, encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def load(faqs, rebuild: bool) -> dict[int, int]:
    """FAQ pk by line of the file, importing what is missing."""
    from kb import faqs as kb_faqs
    from kb import term_statistics, ticket_text
    from kb.models import Faq

    if rebuild:
        Faq.objects.filter(source__startswith=SOURCE).delete()
    pks = _loaded()
    if len(pks) < len(faqs):
        started = time.perf_counter()
        with term_statistics.deferred():
            for line, faq in enumerate(faqs, start=1):
                if line not in pks:
                    kb_faqs.import_faq(
                        question=faq["question"], answer=faq["answer"], source=f"{SOURCE}{line}"
                    )
        print(f"imported {len(faqs) - len(pks)} FAQs in {time.perf_counter() - started:.0f} s")
        pks = _loaded()
    others = Faq.objects.exclude(source__startswith=SOURCE).count()
    if others:
        print(f"note: {others} other FAQs in this database take part as distractors")
    started = time.perf_counter()
    ticket_text.resegment_all()
    print(f"reindexed (kb_reindex) in {time.perf_counter() - started:.1f} s")
    return pks


def _loaded() -> dict[int, int]:
    from kb.models import Faq

    rows = Faq.objects.filter(source__startswith=SOURCE).values_list("source", "pk")
    return {int(source.removeprefix(SOURCE)): pk for source, pk in rows}


# --- The baseline: plain jieba + BM25 -----------------------------------------

_WORD = re.compile(r"\w")


class PlainBM25:
    """BM25 over jieba.lcut words of question + answer, nothing else."""

    k1, b = 1.2, 0.75

    def __init__(self, documents: dict[int, str]):
        import jieba

        self.cut = lambda text: [
            w.lower() for w in jieba.lcut(text) if w.strip() and _WORD.search(w)
        ]
        self.keys = list(documents)
        self.docs = [Counter(self.cut(documents[k])) for k in self.keys]
        self.lengths = [sum(d.values()) for d in self.docs]
        self.average = sum(self.lengths) / len(self.lengths)
        df = Counter(w for d in self.docs for w in d)
        n = len(self.docs)
        self.idf = {w: math.log(1 + (n - f + 0.5) / (f + 0.5)) for w, f in df.items()}

    def rank(self, query: str) -> list[int]:
        terms = set(self.cut(query))
        scores = []
        for key, doc, length in zip(self.keys, self.docs, self.lengths, strict=True):
            score = 0.0
            norm = self.k1 * (1 - self.b + self.b * length / self.average)
            for term in terms & doc.keys():
                tf = doc[term]
                score += self.idf[term] * tf * (self.k1 + 1) / (tf + norm)
            if score > 0:
                scores.append((score, key))
        scores.sort(key=lambda pair: -pair[0])
        return [key for _score, key in scores[:DEPTH]]


# --- Figures -------------------------------------------------------------------


def figures(ranked: list[list[int]], expected: list[set[int]]) -> dict[str, float]:
    mrr = recall = 0.0
    for keys, right in zip(ranked, expected, strict=True):
        for position, key in enumerate(keys[:DEPTH], start=1):
            if key in right:
                mrr += 1 / position
                break
        recall += any(key in right for key in keys[:SUGGESTIONS])
    n = len(expected) or 1
    return {"mrr@10": mrr / n, "recall@5": recall / n}


def floor_figures(hits, expected, silent_hits) -> dict[str, float]:
    """Suggestions as the filing form shows them (confident hits only)."""
    shown = [[h.id for h in q if h.confident][:SUGGESTIONS] for q in hits]
    answered = [s for s in shown if s]
    first_right = sum(1 for s, right in zip(shown, expected, strict=True) if s and s[0] in right)
    any_right = sum(1 for s, right in zip(shown, expected, strict=True) if set(s) & right)
    silent = sum(1 for q in silent_hits if not any(h.confident for h in q))
    return {
        "shown": len(answered) / (len(shown) or 1),
        "first right": first_right / (len(answered) or 1),
        "right among shown": any_right / (len(answered) or 1),
        "no-answer silent": silent / (len(silent_hits) or 1),
    }


def first_stage(text) -> list[int]:
    """The FAQs in the first stage's order (kb.ranking alone, before
    kb.reranking): the ranking as it was before the re-ranker."""
    from kb import search

    query = search.Query.parse(text)
    if not query.terms:
        return []
    return list(search.faq_candidates(query, False, DEPTH))


def previous_second_stage(text, model) -> list[int]:
    """The FAQs as the previous re-ranker ordered them: its features are
    the first of kb.reranking.FEATURES."""
    from kb import reranking, search
    from kb.models import Corpus
    from kb.search import database

    query = search.Query.parse(text)
    if not query.terms:
        return []
    found = search.faq_candidates(query, False, reranking.POOL)
    stats = database.corpus_stats(Corpus.FAQ, query.weights)
    reading = search.reranking_query(query)
    text_stats = database.faq_text_stats()
    width = len(model["coef"])
    scored = []
    for pk, (candidate, _display) in found.items():
        row = reranking.features(reading, candidate, stats, text_stats)[:width]
        scored.append((pk, reranking.probability(row, model)))
    return [pk for pk, _p in sorted(scored, key=lambda pair: -pair[1])][:DEPTH]


def main():
    args = parse_args()
    with services(args):
        setup_django()
        runinfo.header("FAQ relevance", database=args.database or SQLITE)
        run(args)


def run(args):
    from django.db import connection

    from kb import search
    from kb.models import Faq, FaqState

    faqs = read_faqs()
    pks = load(faqs, args.rebuild)
    published = Faq.objects.filter(state=FaqState.PUBLISHED).values_list(
        "pk", "kbitem__question", "kbitem__answer"
    )
    baseline = PlainBM25({pk: f"{q}\n{a}" for pk, q, a in published})
    queries = json.loads(QUERIES.read_text(encoding="utf-8"))
    halves = ("dev", "test") if args.half == "both" else (args.half,)
    print(f"database: {connection.vendor}; FAQs searched: {len(baseline.keys)}")
    print(f"{'':>6} {'':<11} {'MRR@10':>7} {'recall@5':>9}")
    for half in halves:
        items = queries[half]
        expected = [{pks[line] for line in (q["line"], *q.get("also", ()))} for q in items]
        plain = [baseline.rank(q["query"]) for q in items]
        started = time.perf_counter()
        hits = [search.search_faqs(q["query"], public_only=False, limit=DEPTH) for q in items]
        seconds = time.perf_counter() - started
        silent_hits = [
            search.search_faqs(q, public_only=False, limit=SUGGESTIONS)
            for q in queries["no_answer"][half]
        ]
        ours = [[h.id for h in q] for q in hits]
        first = [first_stage(q["query"]) for q in items]
        model = json.loads(PREVIOUS.read_text(encoding="utf-8"))
        previous = [previous_second_stage(q["query"], model) for q in items]
        for name, ranked in (
            ("plain BM25", plain),
            ("first stage", first),
            ("previous", previous),
            ("ours", ours),
        ):
            f = figures(ranked, expected)
            print(f"{half:>6} {name:<11} {f['mrr@10']:7.3f} {f['recall@5']:9.3f}")
        floor = floor_figures(hits, expected, silent_hits)
        print(
            f"{half:>6} floor: shown for {floor['shown']:.1%} of answerable queries; "
            f"first shown right {floor['first right']:.1%}, right among shown "
            f"{floor['right among shown']:.1%}; no-answer queries silent "
            f"{floor['no-answer silent']:.1%} ({len(items)} queries, "
            f"{len(silent_hits)} without answer; {1000 * seconds / len(items):.0f} ms a search)"
        )
        if args.misses and half == "dev":
            line_of = {pk: line for line, pk in pks.items()}
            for q, keys, right in zip(items, ours, expected, strict=True):
                if not set(keys[:SUGGESTIONS]) & right:
                    got = [line_of.get(k) for k in keys[:3]]
                    print(f"  miss: {q['query']} -> line {q['line']}, got {got}")


if __name__ == "__main__":
    main()
