"""Load the AIMS as it was at two points in git history and compare them."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from ..model import Audience
from ..register.records import Register
from ..reports.changes import ChangeReport, compare
from .history import resolve_ref, snapshot
from .load import load


def change_report(
    content_dir: Path,
    since: str,
    until: str | None,
    *,
    display_root: Path | None = None,
    audience: Audience = Audience.auditor,
    current: Register | None = None,
) -> ChangeReport:
    """The changes from `since` to `until` (a ref or date; None: the working tree).

    `current`: the working tree's register when the caller has read it already
    (it is not read again). Raises `SnapshotError` when a point cannot be read from git.
    """
    since_commit, since_date = resolve_ref(content_dir, since)
    until_commit, until_date = resolve_ref(content_dir, until) if until else (None, dt.date.today())
    with tempfile.TemporaryDirectory(prefix="aims-changes-") as tmp:

        def at(commit: str | None, name: str) -> Register:
            # None: before the first commit, when the AIMS was empty.
            folder = Path(tmp) / name
            if commit is None:
                folder.mkdir()
                return load(folder, history=False)
            return load(snapshot(content_dir, commit, folder), history=False)

        before = at(since_commit, "since")
        if not until:
            after = current if current is not None else load(content_dir, display_root=display_root, history=False)
        else:
            after = at(until_commit, "until")

        def named(ref: str, commit: str | None) -> str:
            return f"{ref} ({commit[:10] if commit else 'before the first commit'})"

        return compare(
            before.visible_to(audience),
            after.visible_to(audience),
            since=named(since, since_commit),
            until=named(until, until_commit) if until else "the working tree",
            since_date=since_date,
            until_date=until_date,
            existing=set(after.by_id),
        )
