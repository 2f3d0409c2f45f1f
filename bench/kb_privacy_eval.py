"""How much personal data kb.privacy finds in real tickets, and how much it removes wrongly.

    .venv/bin/python bench/kb_privacy_eval.py [--show]

The labels (bench/data/privacy_labels.json) were written by hand, by
reading 60 texts of ../shared/data/eval/tickets.jsonl (a citizen's letter
or an official reply; 40 to 500 characters; half of them drawn among texts
with a cue such as digits, 网友, 某 or 栋, half at random): for each, the
spans of personal data with their kind, as character offsets. No text is
kept in the repository; the texts are READ from the data file at run time.
Every second text is in the held-out test half, never used for tuning.

A labelled span counts as found when a removal overlaps it (recall); a
removal counts as right when it overlaps a labelled span (precision). The
baseline is the draft as today's code makes it: nothing removed.
"""

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import runinfo  # noqa: E402
from bench.eval_data import eval_file  # noqa: E402

LABELS = ROOT / "bench" / "data" / "privacy_labels.json"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, help="directory with tickets.jsonl")
    parser.add_argument(
        "--show", action="store_true", help="print the dev half's misses and wrong removals"
    )
    return parser.parse_args()


def tickets_file(given):
    found = given / "tickets.jsonl" if given else eval_file("tickets.jsonl")
    if found.exists():
        return found
    sys.exit("tickets.jsonl not found (give --data DIR): the evaluation reads its text from there")


def overlaps(a, b):
    return a[0] < b[1] and b[0] < a[1]


def main():
    args = parse_args()
    runinfo.header("personal data in drafts")
    from kb.privacy import scrub

    rows = {}
    with tickets_file(args.data).open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            rows[row["id"]] = row
    labels = json.loads(LABELS.read_text(encoding="utf-8"))
    print(f"{len(labels)} texts labelled by hand; spans overlap-matched\n")
    print(
        f"{'half':<5} {'texts':>5} {'labelled':>8} {'found':>5} {'recall':>7}"
        f" {'removed':>7} {'right':>5} {'precision':>9}"
    )
    for half in ("dev", "test"):
        texts = [label for label in labels if label["half"] == half]
        gold_total = found = removed_total = right = 0
        by_kind, found_by_kind = Counter(), Counter()
        for label in texts:
            text = rows[label["id"]][label["field"]]
            gold = [(s["start"], s["end"], s["kind"]) for s in label["spans"]]
            predicted = [(r.start, r.end, r.kind) for r in scrub(text).removed]
            for span in gold:
                by_kind[span[2]] += 1
                if any(overlaps(span, p) for p in predicted):
                    found += 1
                    found_by_kind[span[2]] += 1
                elif args.show and half == "dev":
                    print(f"  missed {span[2]} {text[span[0] : span[1]]!r} in {label['id']}")
            for span in predicted:
                if any(overlaps(span, g) for g in gold):
                    right += 1
                elif args.show and half == "dev":
                    print(
                        f"  wrongly removed {span[2]} {text[span[0] : span[1]]!r} in {label['id']}"
                    )
            gold_total += len(gold)
            removed_total += len(predicted)
        recall = found / gold_total if gold_total else 0.0
        precision = right / removed_total if removed_total else 0.0
        print(
            f"{half:<5} {len(texts):>5} {gold_total:>8} {found:>5} {recall:>7.1%}"
            f" {removed_total:>7} {right:>5} {precision:>9.1%}"
        )
        kinds = ", ".join(f"{k} {found_by_kind[k]}/{n}" for k, n in sorted(by_kind.items()))
        print(f"      by kind: {kinds}")
    print("\nbaseline (today's drafts keep the text as it is): recall 0% on both halves")


if __name__ == "__main__":
    main()
