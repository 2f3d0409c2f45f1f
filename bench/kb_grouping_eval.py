"""How well FAQ-candidate grouping finds recurring problems in real text.

    .venv/bin/python bench/kb_grouping_eval.py [--threshold 0.3] [--old-threshold 0.45]

Reads the 1,900 real citizen requests of ../shared/data/eval/tickets.jsonl
(never copied into the project), segments them as the desk does (title;
body = request + official reply, kb.segment), groups ALL of them with the
pure grouping, and scores pairwise precision, recall and F1 against the hand
labels in bench/data/grouping_labels.json (ids only), separately on the dev
half (used for tuning) and the test half (never tuned on). Only pairs of
labelled tickets of one half count, pairs within one repost set neither way.
Imported tickets have no known reporter, so near-identical text is the only
repost signal here; "reposts alone" counts the labelled repost sets that
make a group by themselves (each should count 0).

Baseline: the grouping before issue 13 (bench/grouping_baseline.py, single
linkage at its threshold 0.45), on the same words.
"""

import argparse
import itertools
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import runinfo  # noqa: E402
from bench.eval_data import eval_file  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
EVAL = eval_file("tickets.jsonl")
LABELS = ROOT / "bench" / "data" / "grouping_labels.json"


def read_tickets():
    from kb.segment import tokens

    rows = [json.loads(line) for line in EVAL.open(encoding="utf-8")]
    return [
        (
            row["id"],
            row["title"],
            tokens(row["title"]),
            tokens("\n".join(p for p in (row["text"], row.get("resolution") or "") if p)),
        )
        for row in rows
    ]


def truth(labels, half):
    """{ticket id: label} for the labelled tickets of one half."""
    found = {}
    for group in labels["groups"]:
        if group["half"] == half:
            found.update(dict.fromkeys(group["tickets"], f"g{group['key']}"))
    for number, reposts in enumerate(labels["reposts_only"]):
        if reposts["half"] == half:
            found.update(dict.fromkeys(reposts["tickets"], f"r{number}"))
    found.update({t: f"s:{t}" for t in labels["singletons"][half]})
    return found


def pairwise(expected: dict, predicted: dict):
    """Pairs of one repost set count neither way (one citizen's letter
    twice is the same problem, but no evidence of a recurring one)."""
    ids = sorted(expected)
    tp = fp = fn = 0
    for a, b in itertools.combinations(ids, 2):
        if expected[a] == expected[b] and expected[a].startswith("r"):
            continue
        same_true = expected[a] == expected[b]
        same_pred = a in predicted and b in predicted and predicted[a] == predicted[b]
        tp += same_true and same_pred
        fp += same_pred and not same_true
        fn += same_true and not same_pred
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def reposts_alone(labels, half, groups):
    """Repost sets that make a group with no other ticket: a repost
    mistaken for a recurring problem."""
    sets = [set(r["tickets"]) for r in labels["reposts_only"] if r["half"] == half]
    return sum(1 for s in sets if any(set(g) <= s for g in groups))


def old_groups(tickets, threshold):
    import grouping_baseline

    documents = [grouping_baseline.words(t[2], t[3]) for t in tickets]
    return [
        [tickets[i][0] for i in g] for g in grouping_baseline.similar_groups(documents, threshold)
    ]


def new_groups(tickets, threshold, synonyms):
    from kb import clustering

    texts = [clustering.Text(key=t[0], title=t[2], body=t[3]) for t in tickets]
    return [g.keys for g in clustering.group(texts, threshold, synonyms=synonyms)]


def synonym_map():
    from kb.lexicon import SYNONYM_GROUPS

    canonical = {}
    for group in SYNONYM_GROUPS:
        for word in group:
            canonical.setdefault(word.lower(), group[0].lower())
    return canonical


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threshold", type=float, default=None, help="new method's threshold")
    parser.add_argument("--old-threshold", type=float, default=0.45)
    parser.add_argument("--synonyms", action="store_true", help="fold kb.lexicon's synonyms")
    parser.add_argument("--show", type=int, default=0, help="print the N largest new groups")
    args = parser.parse_args()
    runinfo.header("FAQ-candidate grouping on real text")
    if not EVAL.exists():
        sys.exit(f"{EVAL} not found: the evaluation reads its text from there")
    from kb import clustering

    threshold = args.threshold or clustering.DEFAULT_THRESHOLD
    labels = json.loads(LABELS.read_text(encoding="utf-8"))
    started = time.perf_counter()
    tickets = read_tickets()
    print(f"{len(tickets)} real tickets segmented in {time.perf_counter() - started:.1f} s")
    title = {t[0]: t[1] for t in tickets}
    methods = [
        (
            f"old (single linkage, {args.old_threshold})",
            lambda: old_groups(tickets, args.old_threshold),
        ),
        (
            f"new (average linkage, {threshold}{', synonyms' if args.synonyms else ''})",
            lambda: new_groups(tickets, threshold, synonym_map() if args.synonyms else None),
        ),
    ]
    print(
        f"{'method':<40} {'half':<5} {'precision':>9} {'recall':>7} {'F1':>6} {'reposts alone':>16}"
    )
    for name, run in methods:
        started = time.perf_counter()
        groups = run()
        seconds = time.perf_counter() - started
        predicted = {key: n for n, keys in enumerate(groups) for key in keys}
        for half in ("dev", "test"):
            expected = truth(labels, half)
            p, r, f = pairwise(expected, predicted)
            total = sum(1 for x in labels["reposts_only"] if x["half"] == half)
            grouped = reposts_alone(labels, half, groups)
            print(f"{name:<40} {half:<5} {p:>9.3f} {r:>7.3f} {f:>6.3f} {grouped:>9} of {total}")
        sizes = sorted((len(g) for g in groups), reverse=True)
        print(
            f"  {len(groups)} groups, {sum(sizes)} of {len(tickets)} tickets grouped, "
            f"largest {sizes[:5]}, {seconds:.1f} s"
        )
        if args.show and name.startswith("new"):
            for keys in groups[: args.show]:
                print(f"  [{len(keys)}] " + " | ".join(title[k][:24] for k in keys[:8]))


if __name__ == "__main__":
    main()
