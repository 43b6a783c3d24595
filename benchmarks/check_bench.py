"""Time `aims check` on a 10,000-record AIMS against reading and parsing the same files.

    python -m benchmarks.check_bench [--records 10000] [--repeat 3]

Baselines, measured in the same run on the same files:
  * read every .md file and `yaml.safe_load` its front matter (pure-Python loader),
  * the same with libyaml's CSafeLoader (the fastest bare parse available).

The whole command runs from a cold process with its bytecode compiled, as
after `pip install`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from aims_plugin.checks import run_checks
from aims_plugin.files.load import load

from .synth import generate_records
from .timing import best_of, timed


def bare_parse(content: Path, loader: type) -> int:
    n = 0
    for path in sorted(content.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        front = text.split("\n---\n", 1)[0].removeprefix("---\n")
        yaml.load(front, Loader=loader)
        n += 1
    return n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        n = generate_records(root, args.records)
        content = root / "content"
        today = dt.date(2026, 11, 24)

        def check() -> None:
            findings = run_checks(load(content, display_root=root), today)
            assert not findings, findings[:3]

        t_safe = best_of(args.repeat, lambda: bare_parse(content, yaml.SafeLoader))
        t_check = best_of(args.repeat, check)

        # As installed: pip compiles the package's bytecode when it installs it, so a command never
        # compiles its modules. Here the bytecode goes to a cache of this run (written by the first,
        # untimed run), whatever PYTHONDONTWRITEBYTECODE says.
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(Path(tmp, "pycache"))

        def command() -> None:
            proc = subprocess.run(
                [sys.executable, "-m", "aims_plugin", "check", str(root), "--strict"],
                capture_output=True,
                text=True,
                env=env,
            )
            assert proc.returncode == 0, proc.stdout[-2000:]

        command()
        # The target's figure, in pairs: the bare parse and the whole command one after the other,
        # `--repeat` times, so that the machine's drift during the run moves both sides alike.
        pairs = [(timed(lambda: bare_parse(content, yaml.CSafeLoader)), timed(command)) for _ in range(args.repeat)]
    t_csafe = min(bare for bare, _ in pairs)
    t_cli = min(cli for _, cli in pairs)
    ratios = sorted(cli / bare for bare, cli in pairs)
    paired = statistics.median(ratios)
    print(f"records:                              {n}")
    print(f"bare read + yaml.safe_load:           {t_safe:6.2f} s")
    print(f"bare read + CSafeLoader:              {t_csafe:6.2f} s")
    print(f"aims load + checks (in process):      {t_check:6.2f} s")
    print(f"`aims check --strict` (whole command): {t_cli:6.2f} s")
    print(f"ratio check / safe_load:              {t_check / t_safe:6.2f}x")
    print(f"ratio check / CSafeLoader:            {t_check / t_csafe:6.2f}x  (best of each)")
    print(f"ratio command / safe_load:            {t_cli / t_safe:6.2f}x")
    print(f"ratio command / CSafeLoader:          {t_cli / t_csafe:6.2f}x  (best of each)")
    print(
        f"ratio command / CSafeLoader, paired:  {paired:6.2f}x  median of {len(ratios)} pairs "
        f"({ratios[0]:.2f}-{ratios[-1]:.2f}; target <= 1.5: the whole command)"
    )


if __name__ == "__main__":
    main()
