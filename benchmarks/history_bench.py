"""Time the git history of 5,000 content files against `git log` itself, in the same run.

    python -m benchmarks.history_bench [--files 5000] [--commits 20] [--repeat 3]

A repository is made with the synthetic AIMS as its first commit, then
`--commits` more commits that each touch a slice of the files. Baseline: the
same `git log` commands our reader runs, timed raw (subprocess + output, no
parsing). Ours: `read_history` (both passes, parsed into per-file revisions).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
from pathlib import Path

from aims_plugin.files.history import read_history

from .synth import generate
from .timing import best_of


def git(root: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Bench",
        "GIT_AUTHOR_EMAIL": "b@example.com",
        "GIT_COMMITTER_NAME": "Bench",
        "GIT_COMMITTER_EMAIL": "b@example.com",
    }
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True, env=env).stdout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--commits", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        share = max(1, (args.files - 38) // 10)
        generate(
            root, systems=10, risks=share * 5, evidence=share * 4, policies=args.files - 38 - 10 - share * 9, site=False
        )
        git(root, "init", "-q", "-b", "main")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "initial")
        files = sorted((root / "content").rglob("*.md"))
        for n in range(args.commits):
            for path in files[n :: args.commits][:50]:
                path.write_text(path.read_text(encoding="utf-8") + f"\nEdit {n}.\n", encoding="utf-8")
            git(root, "commit", "-q", "-am", f"edit {n}")
        content = root / "content"
        fmt = "--format=%x1e%H%x1f%aI%x1f%an%x1f%s"

        def raw_git() -> None:
            for extra in ([], ["-G^approved_on:"]):
                subprocess.run(
                    [
                        "git",
                        "-C",
                        str(content),
                        "log",
                        "--no-renames",
                        "--name-only",
                        "--no-color",
                        *extra,
                        fmt,
                        "--",
                        ".",
                    ],
                    capture_output=True,
                    check=True,
                )

        def ours() -> None:
            history = read_history(content)
            assert len(history.revisions) >= len(files)

        t_git = best_of(args.repeat, raw_git)
        t_ours = best_of(args.repeat, ours)
        n_md = len(files)
    print(f"files: {n_md}, commits: {args.commits + 1}")
    print(f"git log (both passes, raw):   {t_git:6.3f} s")
    print(f"read_history (parsed):        {t_ours:6.3f} s")
    print(f"ratio ours / git:             {t_ours / t_git:6.2f}x  (target <= 1.5x)")


if __name__ == "__main__":
    main()
