"""Export a 10,000-record AIMS as an OSCAL system security plan, against `aims export --format json`.

    python -m benchmarks.oscal_bench [--records 10000] [--repeat 3]

Both are the whole `aims export` command in a fresh process, on the same synthetic tree
(benchmarks/synth.py), written to a file; best of `--repeat`. The baseline is the JSON
export a user already runs: the figure is the SSP's time over it (project target: at most 1.5).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from .synth import generate_records
from .timing import best_of

TARGET = 1.5


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        n = generate_records(root, args.records)

        def export(fmt: str) -> None:
            out = root / f"out.{fmt}"
            proc = subprocess.run(
                [sys.executable, "-m", "aims_plugin", "export", str(root), "--format", fmt, "-o", str(out)],
                capture_output=True,
                text=True,
            )
            assert proc.returncode == 0, proc.stderr[-2000:]

        t_json = best_of(args.repeat, lambda: export("json"))
        t_ssp = best_of(args.repeat, lambda: export("oscal-ssp"))
    ratio = t_ssp / t_json
    print(f"records:                               {n}")
    print(f"aims export --format json:             {t_json:6.2f} s  (baseline)")
    print(f"aims export --format oscal-ssp:        {t_ssp:6.2f} s")
    print(f"ratio ssp / json:                      {ratio:6.2f}x  (target <= {TARGET})")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
