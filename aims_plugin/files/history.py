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

#: The notice of a register loaded without its history.
NOT_READ = "history not read"

_FIELD = "\x1f"
_RECORD = "\x1e"


@dataclass(frozen=True)
class Revision:
    commit: str
    date: dt.datetime
    author: str
    message: str
    email: str = ""
    #: git's signature check: G good, N none, B bad, U good but untrusted key, ...
    signature: str = "N"
    #: Names given in `Approved-by:` trailers of the commit message.
    approved_by: tuple[str, ...] = ()

    @property
    def short(self) -> str:
        return self.commit[:10]


@dataclass(frozen=True)
class Approval:
    """Where an approval came from: the commit that set `approved_on`, and whether git attests the approver."""

    revision: Revision
    #: How git attests it: "signed", "by the approver", "Approved-by trailer", or "" (declared only).
    attested_by: str
    first: bool
    #: The approver wrote changes in the approved version (not only the approval itself).
    self_approved: bool

    @property
    def attested(self) -> bool:
        return bool(self.attested_by)


def same_person(name: str, other: str) -> bool:
    """`Daniel Okafor` and `Daniel Okafor (CRO)` are the same; case and spacing do not matter."""

    def norm(text: str) -> str:
        return " ".join(text.split("(", 1)[0].split()).casefold()

    return bool(norm(name)) and norm(name) == norm(other)


@dataclass
class History:
    """Revisions per file, newest first, keyed by posix path relative to the content folder."""

    revisions: dict[str, list[Revision]] = field(default_factory=dict)
    head: Revision | None = None
    #: Why the history is missing or incomplete, in one sentence; empty when complete.
    notice: str = ""
    #: Commits that changed a file's `approved_on` line, newest first.
    approvals: dict[str, list[Revision]] = field(default_factory=dict)
    shallow: bool = False

    @property
    def available(self) -> bool:
        return self.head is not None

    def of(self, rel: str) -> list[Revision]:
        return self.revisions.get(rel, [])

    def approval(self, rel: str, approver: str | None) -> Approval | None:
        """The provenance of a file's current approval, from the newest commit that set its `approved_on`."""
        approvals = self.approvals.get(rel, [])
        if not approvals or not approver:
            return None
        rev = approvals[0]
        if rev.signature in ("G", "U"):
            how = "signed"
        elif same_person(rev.author, approver):
            how = "by the approver"
        elif any(same_person(name, approver) for name in rev.approved_by):
            how = "Approved-by trailer"
        else:
            how = ""
        revisions = self.of(rel)
        start = revisions.index(rev) if rev in revisions else 0
        end = revisions.index(approvals[1]) if len(approvals) > 1 and approvals[1] in revisions else len(revisions)
        authored = [r for r in revisions[start + 1 : end] if same_person(r.author, approver)]
        return Approval(rev, how, first=len(approvals) == 1, self_approved=bool(authored))

    def changed_since_approval(self, rel: str, approved_on: dt.date) -> Revision | None:
        """The newest commit that changed the file after it was approved, if any.

        A commit that sets `approved_on` is the approval itself; every commit
        after the newest such one counts, whatever its date. Without the
        approving commit (a shallow clone) it cannot tell: None.
        """
        revisions = self.of(rel)
        approvals = self.approvals.get(rel, [])
        if not revisions:
            return None
        if approvals:
            # By commit, not by date: every commit after the approving one is a change, the same day's too.
            newer = revisions[: revisions.index(approvals[0])] if approvals[0] in revisions else []
            return newer[0] if newer else None
        if self.shallow:
            return None
        after = [r for r in revisions if r.date.date() > approved_on]
        return after[0] if after else None


def read_history(content_dir: Path, rev: str | None = None) -> History:
    """The history of every file under `content_dir`, from one `git log` (up to `rev`, default HEAD)."""
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
    fmt = (
        f"--format={_RECORD}%H{_FIELD}%aI{_FIELD}%an{_FIELD}%ae{_FIELD}%G?{_FIELD}"
        f"%(trailers:key=Approved-by,valueonly,separator=%x1d){_FIELD}%s"
    )
    upto = [rev] if rev else []
    log = run("log", *upto, "--no-renames", "--name-only", "--no-color", fmt, "--", ".")
    if log.returncode != 0:
        if "does not have any commits" in log.stderr:
            return History(notice="the repository has no commits yet: documents show no revision history")
        return History(notice=f"git log failed: {log.stderr.strip().splitlines()[-1] if log.stderr.strip() else '?'}")
    revisions = _per_file(log.stdout, prefix)
    # Second pass: the commits that changed an approval date, to tell edits from approvals.
    touched = run("log", *upto, "--no-renames", "--name-only", "--no-color", "-G^approved_on:", fmt, "--", ".")
    approvals = _per_file(touched.stdout, prefix) if touched.returncode == 0 else {}
    # A commit with an `Approved-by:` trailer approves the files it touches, even when the approval
    # date stays the same (approved again the same day).
    for rel, revs in revisions.items():
        dated = {r.commit for r in approvals.get(rel, [])}
        if any(r.approved_by for r in revs):
            approvals[rel] = [r for r in revs if r.commit in dated or r.approved_by]
    last = run("log", "-1", fmt, *upto)
    head = _revision(last.stdout.strip().lstrip(_RECORD)) if last.returncode == 0 and last.stdout.strip() else None
    shallow = run("rev-parse", "--is-shallow-repository").stdout.strip() == "true"
    notice = (
        "this is a shallow clone: revision history stops at the oldest fetched commit "
        "(fetch with full depth for complete records)"
        if shallow
        else ""
    )
    return History(revisions, head, notice, approvals, shallow)


def _revision(header: str) -> Revision:
    commit, date, author, email, signature, trailers, message = header.split(_FIELD, 6)
    names = tuple(t.strip() for t in trailers.split("\x1d") if t.strip())
    return Revision(commit, dt.datetime.fromisoformat(date), author, message, email, signature or "N", names)


def _per_file(log: str, prefix: str) -> dict[str, list[Revision]]:
    """Parse `git log --name-only` output into revisions per content-relative path."""
    found: dict[str, list[Revision]] = defaultdict(list)
    for chunk in log.split(_RECORD)[1:]:
        header, _, names = chunk.partition("\n")
        revision = _revision(header)
        for name in names.splitlines():
            if name.startswith(prefix):
                found[name[len(prefix) :]].append(revision)
    return dict(found)


class SnapshotError(Exception):
    """A revision cannot be read (unknown ref, no git): a usage error."""


def resolve_ref(content_dir: Path, ref: str) -> tuple[str | None, dt.date]:
    """A commit for `ref` (tag, branch, commit, or a YYYY-MM-DD date) and its date.

    A date before the first commit gives None: the empty tree, before anything was added.
    """
    git = shutil.which("git")
    if git is None:
        raise SnapshotError("git is not installed")
    cwd = os.fspath(Path(content_dir).resolve())

    def run(*args: str) -> str:
        proc = subprocess.run([git, "-C", cwd, *args], capture_output=True, text=True)
        return proc.stdout.strip() if proc.returncode == 0 else ""

    commit = run("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if not commit:
        try:
            day = dt.date.fromisoformat(ref)
        except ValueError:
            raise SnapshotError(f"'{ref}' is neither a git revision nor a date (YYYY-MM-DD)") from None
        # A date means the start of that day: the state after the last commit before it.
        commit = run("rev-list", "-1", f"--before={day.isoformat()} 00:00:00", "HEAD")
        if not commit:
            if not run("rev-parse", "--verify", "--quiet", "HEAD"):
                raise SnapshotError("the repository has no commits yet")
            return None, day  # before the first commit: the empty AIMS
        return commit, day
    date = run("log", "-1", "--format=%aI", commit)
    return commit, dt.datetime.fromisoformat(date).date()


def _toplevel(folder: Path, what: str) -> tuple[str, Path]:
    """git's path and the top of the repository holding `folder` (SnapshotError without either)."""
    git = shutil.which("git")
    if git is None:
        raise SnapshotError("git is not installed")
    top = subprocess.run([git, "-C", os.fspath(folder), "rev-parse", "--show-toplevel"], capture_output=True, text=True)
    if top.returncode != 0:
        raise SnapshotError(f"{what} is not in a git repository")
    return git, Path(top.stdout.strip()).resolve()


def _extract(tar: bytes, target: Path) -> None:
    import io
    import tarfile

    with tarfile.open(fileobj=io.BytesIO(tar)) as archive:
        archive.extractall(target, filter="data")  # the data filter refuses links and paths leaving target


def snapshot_project(root: Path, commit: str, into: Path) -> Path:
    """The whole project folder (mkdocs.yml, content, overrides) as it was at `commit`, written into `into`."""
    root = Path(root).resolve()
    git, toplevel = _toplevel(root, "the project")
    proc = subprocess.run([git, "-C", os.fspath(toplevel), "archive", "--format=tar", commit], capture_output=True)
    if proc.returncode != 0:
        raise SnapshotError(proc.stderr.decode("utf-8", "replace").strip() or f"cannot read {commit}")
    _extract(proc.stdout, into)
    return into / root.relative_to(toplevel)


def snapshot(content_dir: Path, commit: str, into: Path) -> Path:
    """Write the content folder as it was at `commit` into `into`; returns the copy's content folder."""
    content_dir = Path(content_dir).resolve()
    git, toplevel = _toplevel(content_dir, "the content folder")
    rel = content_dir.relative_to(toplevel).as_posix()
    tree = commit if rel == "." else f"{commit}:{rel}"
    proc = subprocess.run([git, "-C", os.fspath(toplevel), "archive", "--format=tar", tree], capture_output=True)
    target = into / (content_dir.name if rel == "." else rel)
    target.mkdir(parents=True, exist_ok=True)
    if proc.returncode != 0:
        exists = subprocess.run([git, "-C", os.fspath(content_dir), "cat-file", "-e", commit], capture_output=True)
        if exists.returncode == 0:
            return target  # the content folder did not exist yet: an empty AIMS
        raise SnapshotError(proc.stderr.decode("utf-8", "replace").strip())
    _extract(proc.stdout, target)
    return target


def read_versions(content_dir: Path, wanted: dict[str, list[Revision]]) -> dict[str, list[tuple[dt.date, bytes]]]:
    """The committed contents of some files at the given revisions, oldest first, from one `git cat-file`.

    `wanted` maps a content-relative path to its revisions (newest first, as `History.of` gives
    them). Without git, or outside a repository, nothing is returned: no series, not an error.
    """
    if not wanted:
        return {}
    try:
        git, toplevel = _toplevel(Path(content_dir), "the content folder")
    except SnapshotError:
        return {}
    prefix = Path(content_dir).resolve().relative_to(toplevel).as_posix()
    prefix = "" if prefix == "." else prefix + "/"
    order = [(rel, revision) for rel, revisions in wanted.items() for revision in reversed(revisions)]
    request = "".join(f"{revision.commit}:{prefix}{rel}\n" for rel, revision in order).encode()
    done = subprocess.run([git, "-C", os.fspath(toplevel), "cat-file", "--batch"], input=request, capture_output=True)
    if done.returncode != 0:
        return {}
    out, at = done.stdout, 0
    found: dict[str, list[tuple[dt.date, bytes]]] = {}
    for rel, revision in order:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        at = end + 1
        if len(header) < 3 or header[1] != b"blob":
            continue  # "<name> missing": the file did not exist in that commit
        size = int(header[2])
        found.setdefault(rel, []).append((revision.date.date(), out[at : at + size]))
        at += size + 1
    return found


def blame_emails(content_dir: Path, rel: str) -> dict[int, str]:
    """line -> e-mail of the author of the commit that last wrote it, for a committed file (uncommitted
    lines, and a file outside git, give nothing)."""
    git = shutil.which("git")
    if git is None:
        return {}
    result = subprocess.run(
        [git, "-C", os.fspath(content_dir), "blame", "--line-porcelain", "--", rel],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        env={**os.environ, "GIT_PAGER": "cat", "LC_ALL": "C"},
    )
    if result.returncode != 0:
        return {}
    found: dict[int, str] = {}
    line, email, commit = 0, "", ""
    for text in result.stdout.splitlines():
        if text.startswith("\t"):
            if commit.strip("0"):  # all zeros: not committed yet
                found[line] = email
            continue
        head = text.split(" ", 3)
        if len(head) >= 3 and len(head[0]) == 40 and head[1].isdigit() and head[2].isdigit():
            commit, line = head[0], int(head[2])
        elif text.startswith("author-mail "):
            email = text[len("author-mail ") :].strip().strip("<>")
    return found
