"""One build's work, shared by both hosts: the content read once, checked once,
reported once per audience, and compared with the baseline once.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

from ..checks import run_checks
from ..files.history import History, SnapshotError, blame_emails
from ..files.load import load
from ..files.timeline import change_report
from ..model import Audience
from ..model.people import ACKNOWLEDGEMENTS_FOLDER, OWN_FILE
from ..register.findings import Finding
from ..register.records import Register
from ..reports.bundle import Reports, compute
from ..reports.changes import ChangeReport
from .project import FRAMEWORKS_FOLDER
from .settings import Settings


class Build:
    """The state of one build; it lives as long as the build and is then dropped."""

    def __init__(
        self,
        root: Path,
        settings: Settings,
        today: dt.date,
        *,
        display_root: Path | None = None,
        frameworks: list[str] | None = None,
        history: History | None = None,
        at: tuple[Path, str] | None = None,
    ) -> None:
        self.root = Path(root)
        self.settings = settings
        self.today = today
        self.content_dir = self.root / settings.content_dir
        self.display_root = display_root if display_root is not None else self.root
        self.frameworks = list(settings.frameworks) if frameworks is None else frameworks
        #: The revision history to use instead of reading it from the content folder (a past version's).
        self.history = history
        #: Building a past version: (the content folder in the repository, the commit); `root` is its copy.
        self.at = at
        self._reports: dict[tuple[Audience, str], Reports] = {}
        self._changes: dict[tuple[Audience, str], ChangeReport | str] = {}
        #: Why the change report could not be made, when it could not.
        self.change_problem: SnapshotError | None = None

    @functools.cached_property
    def register(self) -> Register:
        register = self._load()
        register.self_approval = self.settings.self_approval
        register.failed_expectation = self.settings.failed_expectation
        register.acknowledgement_target = self.settings.acknowledgement_target
        register.acknowledgement_grace = self.settings.acknowledgement_grace_days
        if self.settings.acknowledgements_by_committer:
            register.people.committers = blame_emails(self.content_dir, f"{ACKNOWLEDGEMENTS_FOLDER}/{OWN_FILE}")
            register.committed_acknowledgements = True
        return register

    def _load(self) -> Register:
        return load(
            self.content_dir,
            display_root=self.display_root,
            frameworks=self.frameworks,
            catalog_dir=self.root / FRAMEWORKS_FOLDER,
            history=self.history if self.history is not None else True,
            shelf_life=self.settings.evidence_shelf_life,
            expiry_window=self.settings.expiring_within_days,
        )

    @functools.cached_property
    def findings(self) -> list[Finding]:
        return run_checks(self.register, self.today)

    def reports(self, audience: Audience, changes_since: str | None = None) -> Reports:
        """Every table for `audience`, with the change report since `changes_since` (default: the setting)."""
        since = self.settings.changes_since if changes_since is None else changes_since
        key = (audience, since)
        if key not in self._reports:
            changes = self.changes(audience, since) if since else None
            view = self.register.visible_to(audience)
            self._reports[key] = compute(view, self.today, changes, scope=self.settings.scope)
        return self._reports[key]

    def changes(self, audience: Audience, since: str) -> ChangeReport | str:
        """The changes since `since` for `audience`, or the sentence saying why there are none."""
        key = (audience, since)
        if key not in self._changes:
            try:
                content_dir, until = self.at if self.at else (self.content_dir, None)
                self._changes[key] = change_report(
                    content_dir,
                    since,
                    until,
                    display_root=self.display_root,
                    audience=audience,
                    current=None if until else self.register,
                )
            except SnapshotError as exc:
                self.change_problem = exc
                self._changes[key] = f"The change report is not available: {exc}."
        return self._changes[key]
