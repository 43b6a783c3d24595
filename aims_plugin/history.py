"""Revision history of content files from git, read in one `git log` pass.

Dates come from commits, never from file modification times. Without git,
or in a shallow clone, the history says so instead of inventing dates.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

_FIELD = "\x1f"
_RECORD = "\x1e"


@dataclass(frozen=True)
class Revision:
    commit: str
    date: dt.datetime
    author: str
    message: str

    @property
    def short(self) -> str:
        return self.commit[:10]


@dataclass
class History:
    """Revisions per file, newest first, keyed by posix path relative to the content folder."""

    revisions: dict[str, list[Revision]] = field(default_factory=dict)
    head: Revision | None = None
    #: Why the history is missing or incomplete, in one sentence; empty when complete.
    notice: str = ""

    def of(self, rel: str) -> list[Revision]:
        return self.revisions.get(rel, [])


def read_history(content_dir: Path) -> History:
    """The history of every file under `content_dir`, from one `git log`."""
    git = shutil.which("git")
    if git is None:
        return History(notice="git is not installed: documents show no revision history")
    content_dir = Path(content_dir).resolve()

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "GIT_PAGER": "cat", "LC_ALL": "C"}
        return subprocess.run(
            [git, "-C", os.fspath(content_dir), *args],
            capture_output=True,
            text=True,
            env=env,
            encoding="utf-8",
            errors="replace",
        )

    top = run("rev-parse", "--show-toplevel")
    if top.returncode != 0:
        return History(notice="the content folder is not in a git repository: documents show no revision history")
    toplevel = Path(top.stdout.strip()).resolve()
    prefix = content_dir.relative_to(toplevel).as_posix()
    prefix = "" if prefix == "." else prefix + "/"
    log = run(
        "log",
        "--no-renames",
        "--name-only",
        "--no-color",
        f"--format={_RECORD}%H{_FIELD}%aI{_FIELD}%an{_FIELD}%s",
        "--",
        ".",
    )
    if log.returncode != 0:
        if "does not have any commits" in log.stderr:
            return History(notice="the repository has no commits yet: documents show no revision history")
        return History(notice=f"git log failed: {log.stderr.strip().splitlines()[-1] if log.stderr.strip() else '?'}")
    revisions: dict[str, list[Revision]] = defaultdict(list)
    for chunk in log.stdout.split(_RECORD)[1:]:
        header, _, names = chunk.partition("\n")
        revision = _revision(header)
        for name in names.splitlines():
            if name.startswith(prefix):
                revisions[name[len(prefix) :]].append(revision)
    last = run("log", "-1", f"--format={_RECORD}%H{_FIELD}%aI{_FIELD}%an{_FIELD}%s")
    head = _revision(last.stdout.strip().lstrip(_RECORD)) if last.returncode == 0 and last.stdout.strip() else None
    shallow = run("rev-parse", "--is-shallow-repository").stdout.strip() == "true"
    notice = (
        "this is a shallow clone: revision history stops at the oldest fetched commit "
        "(fetch with full depth for complete records)"
        if shallow
        else ""
    )
    return History(dict(revisions), head, notice)


def _revision(header: str) -> Revision:
    commit, date, author, message = header.split(_FIELD, 3)
    return Revision(commit, dt.datetime.fromisoformat(date), author, message)
