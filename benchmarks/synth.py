"""Generate a synthetic AIMS of any size, valid under `aims check`.

python -m benchmarks.synth OUT --systems 20 --risks 2000 --evidence 5000 --policies 200
"""

from __future__ import annotations

import argparse
import hashlib
import random
from pathlib import Path

from aims_plugin.catalog import load_catalog

WORDS = [
    "model",
    "data",
    "drift",
    "bias",
    "review",
    "oversight",
    "vendor",
    "log",
    "access",
    "fairness",
    "audit",
    "release",
    "monitoring",
    "threshold",
    "customer",
    "appeal",
    "record",
    "training",
    "retention",
    "consent",
    "accuracy",
    "robustness",
    "incident",
]


def _text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def _write(path: Path, lines: list[str], body: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("---\n" + "\n".join(lines) + "\n---\n\n" + body + "\n", encoding="utf-8")


def generate(
    out: Path,
    *,
    systems: int = 10,
    risks: int = 100,
    evidence: int = 100,
    policies: int = 20,
    seed: int = 42,
    site: bool = True,
) -> int:
    """Write the tree; returns the number of records written."""
    rng = random.Random(seed)
    catalog = load_catalog()
    content = out / "content"
    controls = [c.id for c in catalog.controls]
    subclauses = [s.id for s in catalog.subclauses]
    meta = [
        "owner: Synthetic Owner",
        "status: approved",
        "approved_by: Synthetic Approver",
        "approved_on: 2026-01-15",
        "next_review: 2099-01-15",
        'version: "1.0"',
    ]
    count = 0
    for n in range(1, policies + 1):
        satisfies = [subclauses[(n - 1) % len(subclauses)], controls[(n - 1) % len(controls)]]
        if n == 1:
            satisfies = subclauses
        _write(
            content / "policies" / f"POL-{n:04d}.md",
            [
                f"id: POL-{n:04d}",
                f"title: Synthetic policy {n}",
                *meta,
                "classification: internal",
                "satisfies: [" + ", ".join(f'"{s}"' for s in satisfies) + "]",
            ],
            "## Purpose\n\n" + _text(rng, 60) + "\n\n## Rules\n\n- " + _text(rng, 12) + "\n- " + _text(rng, 12),
        )
        count += 1
    for n in range(1, systems + 1):
        _write(
            content / "systems" / f"SYS-{n:04d}.md",
            [
                f"id: SYS-{n:04d}",
                f"title: Synthetic system {n}",
                *meta,
                "lifecycle: deployed",
                "risk_tier: medium",
                "eu_ai_act_category: minimal_risk",
                "provider: in-house",
            ],
            _text(rng, 40),
        )
        count += 1
    ev_for_control: dict[str, list[str]] = {c: [] for c in controls}
    for n in range(1, evidence + 1):
        ev_id = f"EV-{n:05d}"
        linked = rng.sample(controls, 2)
        for control in linked:
            ev_for_control[control].append(ev_id)
        folder = content / "evidence" / f"{(n - 1) // 500:03d}"
        (folder / "files").mkdir(parents=True, exist_ok=True)
        data = (_text(rng, 20) + "\n").encode()
        (folder / "files" / f"{ev_id}.txt").write_bytes(data)
        _write(
            folder / f"{ev_id}.md",
            [
                f"id: {ev_id}",
                f"title: Synthetic evidence {n}",
                *meta,
                f"file: files/{ev_id}.txt",
                f"sha256: {hashlib.sha256(data).hexdigest()}",
                f"size: {len(data)}",
                "collected_on: 2026-02-01",
                "collected_by: Synthetic Collector",
                "expires: 2099-01-01",
                "controls: [" + ", ".join(f'"{c}"' for c in linked) + "]",
            ],
            _text(rng, 20),
        )
        count += 1
    for n in range(1, risks + 1):
        _write(
            content / "risks" / f"{(n - 1) // 500:03d}" / f"RSK-{n:05d}.md",
            [
                f"id: RSK-{n:05d}",
                f"title: Synthetic risk {n}",
                *meta,
                f"system: SYS-{rng.randint(1, systems):04d}",
                "source: machine learning",
                f"likelihood: {rng.randint(1, 5)}",
                f"impact: {rng.randint(1, 5)}",
                f"residual_likelihood: {rng.randint(1, 3)}",
                f"residual_impact: {rng.randint(1, 3)}",
                "treatment: mitigate",
                "controls: [" + ", ".join(f'"{c}"' for c in rng.sample(controls, 3)) + "]",
            ],
            "## Scenario\n\n" + _text(rng, 50),
        )
        count += 1
    for control in controls:
        _write(
            content / "controls" / f"{control}.md",
            [
                f'control: "{control}"',
                "applicable: true",
                "justification: Treats synthetic risks.",
                "implementation: implemented",
                *meta,
                "policies: [POL-0001]",
                "evidence: [" + ", ".join(ev_for_control[control][:3]) + "]",
            ],
            _text(rng, 60),
        )
        count += 1
    if site:
        (out / "docs").mkdir(parents=True, exist_ok=True)
        (out / "docs" / "index.md").write_text("# Synthetic AIMS\n", encoding="utf-8")
        (out / "mkdocs.yml").write_text(
            "site_name: Synthetic AIMS\ntheme:\n  name: material\nplugins:\n  - search\n"
            "  - aims:\n      organisation: Synthetic Ltd\n      audience: auditor\n",
            encoding="utf-8",
        )
    return count


def generate_records(out: Path, records: int) -> int:
    """An AIMS of about `records` records in the proportions the benchmarks use: the 38 controls,
    then four risks and five evidence records for every nine records, a system per hundred, and policies."""
    share = (records - 38) // 10
    systems = share // 10 or 1
    return generate(
        out, systems=systems, risks=share * 4, evidence=share * 5, policies=records - 38 - share * 9 - systems
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--systems", type=int, default=10)
    parser.add_argument("--risks", type=int, default=100)
    parser.add_argument("--evidence", type=int, default=100)
    parser.add_argument("--policies", type=int, default=20)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    n = generate(
        args.out, systems=args.systems, risks=args.risks, evidence=args.evidence, policies=args.policies, seed=args.seed
    )
    print(f"wrote {n} records to {args.out}")


if __name__ == "__main__":
    main()
