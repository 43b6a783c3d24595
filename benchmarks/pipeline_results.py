"""Write the example's measured results the way Calder's ML pipelines do, from seeded synthetic data.

    python -m benchmarks.pipeline_results creditlens 2026-Q3 OUT.json
    python -m benchmarks.pipeline_results ask-calder 2026-11 OUT.csv

CreditLens: a quarter's credit decisions per age band (the counts below), then the
approval-rate ratio of each band to the reference band (36-50), and the score's AUC on a
simulated held-out sample (the same seed every time).
Ask Calder: a month's graded answer sample (400 answers) per topic, with the share rated correct.

The example's results files were written with this script and put in place with
`aims evidence ingest`, one commit per run, so their git history is the series the site
and the pack chart. No model and no download: only `random` with fixed seeds.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import sys
from pathlib import Path

REFERENCE = "36-50"
BANDS = ("18-25", "26-35", "36-50", "51-65", "66+")
#: Applications and approvals per band and quarter (2026-Q2 and Q3 as in EV-002's fairness export);
#: the 2026-Q1 recalibration left 18-25 below the 0.80 floor.
DECISIONS = {
    "2025-Q4": {
        "18-25": (6050, 2710),
        "26-35": (11700, 6110),
        "36-50": (13300, 7130),
        "51-65": (7700, 4220),
        "66+": (2900, 1450),
    },
    "2026-Q1": {
        "18-25": (6100, 2550),
        "26-35": (11800, 6120),
        "36-50": (13400, 7200),
        "51-65": (7750, 4280),
        "66+": (2950, 1470),
    },
    "2026-Q2": {
        "18-25": (6177, 2718),
        "26-35": (11889, 6206),
        "36-50": (13455, 7225),
        "51-65": (7827, 4313),
        "66+": (2962, 1475),
    },
    "2026-Q3": {
        "18-25": (6388, 2849),
        "26-35": (11961, 6280),
        "36-50": (13547, 7288),
        "51-65": (7888, 4331),
        "66+": (3086, 1552),
    },
}
#: Separation of defaulters' and non-defaulters' scores (a larger value gives a higher AUC).
SEPARATION = {"2025-Q4": 1.24, "2026-Q1": 1.21, "2026-Q2": 1.23, "2026-Q3": 1.25}
#: The day each quarter's run was made (the second Monday after quarter end).
RUN_DAY = {"2025-Q4": "2026-01-12", "2026-Q1": "2026-04-13", "2026-Q2": "2026-07-13", "2026-Q3": "2026-10-12"}

TOPICS = ("accounts", "cards", "fees-and-rates", "payments")
#: Share of answers rated correct per topic and month.
CORRECT = {
    "2026-08": {"accounts": 0.985, "cards": 0.98, "fees-and-rates": 0.965, "payments": 0.98},
    "2026-09": {"accounts": 0.985, "cards": 0.975, "fees-and-rates": 0.975, "payments": 0.985},
    "2026-10": {"accounts": 0.99, "cards": 0.98, "fees-and-rates": 0.975, "payments": 0.98},
    "2026-11": {"accounts": 0.99, "cards": 0.985, "fees-and-rates": 0.98, "payments": 0.985},
}
SAMPLE_DAY = {"2026-08": "2026-09-04", "2026-09": "2026-10-05", "2026-10": "2026-11-04", "2026-11": "2026-12-01"}


def creditlens(quarter: str) -> str:
    rng = random.Random(f"creditlens-{quarter}")
    rates = {}
    for band in BANDS:
        # One decision per application, in the order the decision log holds them.
        applications, approvals = DECISIONS[quarter][band]
        decisions = [True] * approvals + [False] * (applications - approvals)
        rng.shuffle(decisions)
        rates[band] = sum(decisions) / len(decisions)
    ratios = {band: round(rates[band] / rates[REFERENCE], 3) for band in BANDS if band != REFERENCE}
    # Held-out sample: scores of 600 defaulters and 5,400 repaid loans; AUC by the rank statistic.
    bad = [rng.gauss(0.0, 1.0) for _ in range(600)]
    good = [rng.gauss(SEPARATION[quarter], 1.0) for _ in range(5400)]
    ranked = sorted([(s, 0) for s in bad] + [(s, 1) for s in good])
    rank_sum = sum(index + 1 for index, (_, label) in enumerate(ranked) if label == 1)
    auc = (rank_sum - len(good) * (len(good) + 1) / 2) / (len(good) * len(bad))
    report = {
        "system": "SYS-001",
        "model_version": "4.2",
        "period": quarter,
        "measured_on": RUN_DAY[quarter],
        "fairness": {
            "reference_group": REFERENCE,
            "approval_rate": {band: round(rate, 3) for band, rate in rates.items()},
            "approval_rate_ratio": ratios,
        },
        "accuracy": {"auc": round(auc, 3), "gini": round(2 * auc - 1, 3), "holdout_size": len(bad) + len(good)},
    }
    return json.dumps(report, indent=2, sort_keys=False) + "\n"


def ask_calder(month: str) -> str:
    rng = random.Random(f"ask-calder-{month}")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["month", "topic", "answers_sampled", "rated_correct", "accuracy", "measured_on"])
    total = correct_total = 0
    for topic in TOPICS:
        n = 100
        correct = sum(rng.random() < CORRECT[month][topic] for _ in range(n))
        total, correct_total = total + n, correct_total + correct
        writer.writerow([month, topic, n, correct, f"{correct / n:.3f}", SAMPLE_DAY[month]])
    writer.writerow([month, "all", total, correct_total, f"{correct_total / total:.4f}", SAMPLE_DAY[month]])
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("system", choices=("creditlens", "ask-calder"))
    parser.add_argument("period", help="a quarter (2026-Q3) for CreditLens, a month (2026-11) for Ask Calder")
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    periods = DECISIONS if args.system == "creditlens" else CORRECT
    if args.period not in periods:
        parser.error(f"no synthetic data for {args.period}: one of {', '.join(periods)}")
    text = creditlens(args.period) if args.system == "creditlens" else ask_calder(args.period)
    args.out.write_text(text, encoding="utf-8")
    print(f"{args.out}: {args.system} results for {args.period}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
