"""What measured evidence adds to `aims check`: 1,000 records with 20 metrics each.

    python -m benchmarks.measured_bench [--records 1000] [--metrics 20] [--repeat 3]

Two trees, written once, hold the same files: the example's content folder, plus
`--records` evidence records, each with a JSON results file of `--metrics` metrics (half of
them per group, for five groups; every value meets its threshold). In the first tree the
records are ordinary evidence that points at the file; in the second each also lists one
expectation per metric, so `aims check` reads, parses and judges every results file. The
baseline is the first tree, measured in the same run: the difference is the cost of
measured evidence (project target: at most 1 s).
Each check is the whole `aims check` command in a fresh process, best of `--repeat`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
GROUPS = ("18-25", "26-35", "36-50", "51-65", "66+")
TARGET_SECONDS = 1.0


def write_tree(root: Path, records: int, metrics: int, *, measured: bool) -> None:
    shutil.copytree(REPO / "content", root / "content")
    (root / "mkdocs.yml").write_text("site_name: Bench\nplugins:\n  - aims:\n      organisation: Bench\n")
    evidence = root / "content/evidence"
    (evidence / "files").mkdir(parents=True, exist_ok=True)
    rng = random.Random(42)
    for n in range(1, records + 1):
        results: dict[str, object] = {"measured_on": "2026-11-02"}
        expectations = []
        for m in range(metrics):
            if m % 2:
                results[f"metric_{m}"] = {g: round(rng.uniform(0.86, 1.0), 3) for g in GROUPS}
            else:
                results[f"metric_{m}"] = round(rng.uniform(0.86, 1.0), 3)
            expectations.append({"metric": f"metric_{m}", "op": ">=", "threshold": 0.85})
        name = f"EV-{n:05d}-results.json"
        data = (json.dumps(results, indent=2) + "\n").encode()
        (evidence / "files" / name).write_bytes(data)
        fields = {
            "id": f"EV-{n:05d}",
            "title": f"Monitoring results {n}",
            "file": f"files/{name}",
            "sha256": hashlib.sha256(data).hexdigest(),
            "size": len(data),
            "controls": ["A.6.2.6"],
            "owner": "Model Risk",
            "collected_on": "2026-11-02",
            "status": "approved",
            "approved_by": "Chief Risk Officer",
            "approved_on": "2026-11-03",
            "every": "3 months",
        }
        if measured:
            fields["expectations"] = expectations
        front = yaml.safe_dump(fields, sort_keys=False)
        (evidence / f"EV-{n:05d}.md").write_text(f"---\n{front}---\n\nResults of the monitoring job.\n")


def check_seconds(root: Path, repeat: int) -> tuple[float, str]:
    best, last = float("inf"), ""
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "aims_plugin", "check", str(root), "--today", "2026-11-24"],
            capture_output=True,
            text=True,
        )
        best = min(best, time.perf_counter() - start)
        last = (done.stdout.strip().splitlines() or [""])[-1]
    return best, last


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--metrics", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        plain, measured = Path(tmp) / "plain", Path(tmp) / "measured"
        write_tree(plain, args.records, args.metrics, measured=False)
        write_tree(measured, args.records, args.metrics, measured=True)
        values = args.records * (args.metrics // 2 * len(GROUPS) + (args.metrics + 1) // 2)
        print(
            f"measured evidence: {args.records} records x {args.metrics} metrics ({values:,} measured values), "
            f"`aims check` in a fresh process, best of {args.repeat}"
        )
        base, base_out = check_seconds(plain, args.repeat)
        with_m, with_out = check_seconds(measured, args.repeat)
        print(f"  evidence pointing at the results files (baseline)  {base:6.2f} s   {base_out}")
        print(f"  the same records with their expectations           {with_m:6.2f} s   {with_out}")
        added = with_m - base
        verdict = "met" if added <= TARGET_SECONDS else "NOT met"
        target = f"target <= {TARGET_SECONDS:.0f} s: {verdict}"
        print(f"  added by measured evidence                         {added:6.2f} s   {target}")
        print(f"  ratio                                              {with_m / base:6.2f}x")


if __name__ == "__main__":
    main()
