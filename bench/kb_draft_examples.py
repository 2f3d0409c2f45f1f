"""FAQ drafts written by kb.drafts from groups of real tickets, for reading.

    .venv/bin/python bench/kb_draft_examples.py [--full]

The groups (bench/data/draft_groups.json) are ticket ids of
../shared/data/eval/tickets.jsonl chosen by hand: requests one FAQ would
answer. The text is READ from the data file at run time. For each group it
prints what today's code drafts (the newest ticket's title and letter as
the question, its reply as the answer) beside kb.drafts' draft: question,
answer, the other resolutions and the personal data removed.
"""

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import runinfo  # noqa: E402
from bench.eval_data import eval_file  # noqa: E402

GROUPS = ROOT / "bench" / "data" / "draft_groups.json"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, help="directory with tickets.jsonl")
    parser.add_argument("--full", action="store_true", help="print whole texts")
    return parser.parse_args()


def tickets_file(given):
    found = given / "tickets.jsonl" if given else eval_file("tickets.jsonl")
    if found.exists():
        return found
    sys.exit("tickets.jsonl not found (give --data DIR): the examples read their text from there")


def main():
    args = parse_args()
    runinfo.header("draft examples")
    from kb.drafts import Source, draft_from

    def short(text, size=160):
        text = " ".join(text.split())
        return text if args.full or len(text) <= size else text[:size] + "…"

    rows = {}
    with tickets_file(args.data).open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            rows[row["id"]] = row
    groups = json.loads(GROUPS.read_text(encoding="utf-8"))["groups"]
    for name, ids in groups.items():
        group = sorted((rows[i] for i in ids), key=lambda r: r["created_at"])
        newest = group[-1]
        print(f"=== {name}: {len(group)} tickets ({', '.join(ids)})")
        print(f"today's question : {short(newest['title'] + ' ' + newest['text'])}")
        print(f"today's answer   : {short(newest['resolution'])}")
        sources = [Source(int(r["id"]), r["title"], r["resolution"]) for r in group]
        draft = draft_from(sources)
        print(f"question (#{draft.question_from}): {draft.question}")
        print(f"answer   (#{draft.answer_from}): {short(draft.answer, 400)}")
        for alternative in draft.alternatives:
            print(f"  beside (#{alternative.ticket_id}): {short(alternative.text)}")
        for place, ticket_id, removal in draft.removed:
            print(f"  removed from {place} #{ticket_id}: {removal.kind} {removal.original!r}")
        print()


if __name__ == "__main__":
    main()
