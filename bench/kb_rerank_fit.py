"""Fit the FAQ re-ranker (kb/reranking.py) on the dev half and write kb/rerank_weights.json.

    .venv/bin/python bench/kb_rerank_fit.py [--features a,b,...] [--dry-run]
        [--database bench_perf_relevance] [--keep]

Reads the same FAQs as bench/kb_relevance.py (gov_faq.jsonl, loaded there)
and ONLY the dev half of bench/data/relevance_queries.json: the test half is
never read here. For every dev query the first stage's best candidates
(kb.reranking.POOL) become rows of features labelled by whether they answer
the query; a logistic regression (scikit-learn, features standardised) is
fitted to them. Its regularisation is chosen by five-fold cross-validation
over the dev queries (folds by query), repeated over several splits, the
fixed one (every fifth query) and shuffled ones: with this few queries one
split alone can favour a strength by luck. The fixed split's figures and
the mean over the splits are printed with the first stage's own figures
for comparison. The suggestion floor is then chosen on the dev half
as bench/kb_relevance.py chose the old one: the probability that best
balances answerable queries shown their answer and unanswerable ones shown
nothing. Values are stored to four decimals; a rerun can differ in the
last of them, since the database returns candidates of equal first-stage
score in no fixed order.
"""

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import kb_relevance as bench  # noqa: E402

STRENGTHS = (0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0)
FOLDS = 5
# Splits of the dev queries into folds: the fixed one and shuffled ones.
SPLITS = 5
SEED = 0


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--features", help="comma-separated subset of kb.reranking.FEATURES")
    parser.add_argument("--dry-run", action="store_true", help="print, write nothing")
    bench.add_database_arguments(parser)
    return parser.parse_args()


def pools(texts):
    """For each query text: the candidates' keys and feature rows."""
    from kb import reranking, search
    from kb.models import Corpus
    from kb.search import database

    out = []
    text_stats = database.faq_text_stats()
    for text in texts:
        query = search.Query.parse(text)
        if not query.terms:
            out.append(([], []))
            continue
        found = search.faq_candidates(query, False, reranking.POOL)
        stats = database.corpus_stats(Corpus.FAQ, query.weights)
        reading = search.reranking_query(query)
        keys = list(found)
        rows = [reranking.features(reading, found[k][0], stats, text_stats) for k in keys]
        out.append((keys, rows))
    return out


def order(keys, scores):
    import numpy as np

    return [keys[i] for i in np.argsort(-np.asarray(scores), kind="stable")]


def splits(queries: int) -> list[list[int]]:
    """Each query's fold, for SPLITS splits: every fifth query first, then
    shuffled (the same shuffles each run)."""
    import numpy as np

    rng = np.random.default_rng(SEED)
    out = [[i % FOLDS for i in range(queries)]]
    while len(out) < SPLITS:
        folds = [0] * queries
        for position, i in enumerate(rng.permutation(queries)):
            folds[i] = position % FOLDS
        out.append(folds)
    return out


def cross_validated(pooled, expected, columns, strength, folds):
    """Dev figures of the re-ranker, each query ranked by a model fitted
    without its fold (`folds`: each query's)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    orders = [[] for _ in pooled]
    for fold in range(FOLDS):
        train = [i for i, f in enumerate(folds) if f != fold and pooled[i][0]]
        x = np.array([row for i in train for row in pooled[i][1]])[:, columns]
        y = np.array([key in expected[i] for i in train for key in pooled[i][0]])
        scaler = StandardScaler().fit(x)
        model = LogisticRegression(C=strength, max_iter=5000).fit(scaler.transform(x), y)
        for i, f in enumerate(folds):
            keys, rows = pooled[i]
            if f == fold and keys:
                scores = model.decision_function(scaler.transform(np.array(rows)[:, columns]))
                orders[i] = order(keys, scores)
    return bench.figures(orders, expected)


def fit(pooled, expected, columns, strength):
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    x = np.array([row for keys, rows in pooled for row in rows])[:, columns]
    y = np.array(
        [key in right for (keys, _), right in zip(pooled, expected, strict=True) for key in keys]
    )
    scaler = StandardScaler().fit(x)
    model = LogisticRegression(C=strength, max_iter=5000).fit(scaler.transform(x), y)
    return scaler, model


def fit_floor(answerable, unanswerable):
    """The probability floor that maximises the mean of (answerable queries
    whose answer is among the suggestions shown) and (unanswerable queries
    shown nothing), on the dev half."""
    best = None
    for step in range(1, 100):
        floor = step / 100
        found = sum(
            1 for hits, right in answerable if any(k in right and p >= floor for k, p in hits)
        ) / len(answerable)
        silent = sum(1 for hits in unanswerable if all(p < floor for _k, p in hits)) / len(
            unanswerable
        )
        if best is None or (found + silent) / 2 > best[0]:
            best = ((found + silent) / 2, floor, found, silent)
    return best


def main():
    args = parse_args()
    with bench.services(args):
        bench.setup_django()
        bench.runinfo.header("re-ranker fit", database=args.database or bench.SQLITE)
        run(args)


def run(args):
    from kb import reranking

    pks = bench.load(bench.read_faqs(), rebuild=False)
    queries = json.loads(bench.QUERIES.read_text(encoding="utf-8"))
    dev = queries["dev"]
    expected = [{pks[line] for line in (q["line"], *q.get("also", ()))} for q in dev]
    names = args.features.split(",") if args.features else list(reranking.FEATURES)
    unknown = set(names) - set(reranking.FEATURES)
    if unknown:
        sys.exit(f"unknown features: {', '.join(sorted(unknown))}")
    columns = [reranking.FEATURES.index(name) for name in names]
    pooled = pools([q["query"] for q in dev])
    first = bench.figures([keys for keys, _rows in pooled], expected)
    print(f"dev, first stage alone: MRR@10 {first['mrr@10']:.3f} recall@5 {first['recall@5']:.3f}")
    best = None
    for strength in STRENGTHS:
        runs = [cross_validated(pooled, expected, columns, strength, f) for f in splits(len(dev))]
        mrr = sum(f["mrr@10"] for f in runs) / len(runs)
        recall = sum(f["recall@5"] for f in runs) / len(runs)
        print(
            f"dev, {FOLDS}-fold by query, C={strength}: "
            f"MRR@10 {runs[0]['mrr@10']:.3f} recall@5 {runs[0]['recall@5']:.3f}; "
            f"mean of {len(runs)} splits {mrr:.3f} / {recall:.3f} "
            f"(MRR@10 {min(f['mrr@10'] for f in runs):.3f}–{max(f['mrr@10'] for f in runs):.3f})"
        )
        if best is None or (mrr, recall) > best[0]:
            best = ((mrr, recall), strength)
    strength = best[1]
    scaler, model = fit(pooled, expected, columns, strength)
    # Unused features weigh nothing: the stored model always has them all.
    mean = [0.0] * len(reranking.FEATURES)
    scale = [1.0] * len(reranking.FEATURES)
    coef = [0.0] * len(reranking.FEATURES)
    for j, column in enumerate(columns):
        mean[column] = round(float(scaler.mean_[j]), 4)
        scale[column] = round(float(scaler.scale_[j]), 4)
        coef[column] = round(float(model.coef_[0][j]), 4)
    weights = {
        "about": "kb.reranking's logistic regression, written by bench/kb_rerank_fit.py "
        "from the dev half of bench/data/relevance_queries.json",
        "features": list(reranking.FEATURES),
        "strength": strength,
        "mean": mean,
        "scale": scale,
        "coef": coef,
        "intercept": round(float(model.intercept_[0]), 4),
    }

    def probabilities(pool):
        keys, rows = pool
        out = [
            (key, reranking.probability(row, weights)) for key, row in zip(keys, rows, strict=True)
        ]
        return sorted(out, key=lambda pair: -pair[1])[: bench.SUGGESTIONS]

    answerable = [(probabilities(p), right) for p, right in zip(pooled, expected, strict=True)]
    silent_pools = pools(queries["no_answer"]["dev"])
    _balance, floor, found, silent = fit_floor(answerable, [probabilities(p) for p in silent_pools])
    weights["floor"] = floor
    print(
        f"chosen C={strength}; floor {floor:.2f}: "
        f"answer shown {found:.1%}, no-answer silent {silent:.1%}"
    )
    for name, c in zip(reranking.FEATURES, coef, strict=True):
        print(f"  {name:<24} {c:+.3f}")
    if not args.dry_run:
        reranking.WEIGHTS_FILE.write_text(json.dumps(weights, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {reranking.WEIGHTS_FILE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
