"""Readiness: what is done and what is still missing before the audit.

Every number comes with the rows it counts, so a page can link them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..files.history import Revision
from ..model import Implementation, Kind, Status
from ..register.links import Links
from ..register.records import Record, Register
from .coverage import ClauseRow, clause_coverage
from .soa import SoaRow, evidence_is_current, statement_of_applicability


@dataclass(frozen=True)
class Fraction:
    part: int
    whole: int

    @property
    def percent(self) -> int:
        return round(100 * self.part / self.whole) if self.whole else 0

    def __str__(self) -> str:
        return f"{self.part} / {self.whole} ({self.percent}%)"


@dataclass
class Readiness:
    soa: list[SoaRow]
    controls_total: int
    missing_write_ups: list[SoaRow]
    excluded: list[SoaRow]
    applicable: list[SoaRow]
    by_implementation: dict[Implementation, list[SoaRow]]
    evidenced: list[SoaRow]
    subclauses_total: int
    subclauses_covered: dict[str, list[Record]]
    subclauses_missing: list[str]
    by_status: dict[Status, list[Record]]
    overdue_reviews: list[Record] = field(default_factory=list)
    stale_risks: list[Record] = field(default_factory=list)
    expired_evidence: list[Record] = field(default_factory=list)
    missing_owner: list[Record] = field(default_factory=list)
    #: Approved documents edited after approval, with the commit that changed them.
    changed_since_approval: list[tuple[Record, Revision]] = field(default_factory=list)

    @property
    def implemented(self) -> Fraction:
        return Fraction(len(self.by_implementation[Implementation.implemented]), len(self.applicable))

    @property
    def evidenced_fraction(self) -> Fraction:
        return Fraction(len(self.evidenced), len(self.applicable))

    @property
    def write_ups(self) -> Fraction:
        return Fraction(self.controls_total - len(self.missing_write_ups), self.controls_total)

    @property
    def subclause_coverage(self) -> Fraction:
        return Fraction(len(self.subclauses_covered), self.subclauses_total)


def changed_since_approval(register: Register) -> list[tuple[Record, Revision]]:
    """Approved documents whose file changed after their approval, with the newest such commit."""
    changed = []
    for record in register.records:
        doc = record.doc
        if doc.status == Status.approved and doc.approved_on is not None:
            revision = register.history.changed_since_approval(record.source.rel, doc.approved_on)
            if revision is not None:
                changed.append((record, revision))
    return changed


def readiness(
    register: Register, today: dt.date, links: Links | None = None, clauses: list[ClauseRow] | None = None
) -> Readiness:
    links = links or Links(register)
    soa = statement_of_applicability(register, today, links)
    applicable = [row for row in soa if row.applicable]
    by_impl = {state: [r for r in applicable if r.implementation == state] for state in Implementation}

    clauses = clause_coverage(register) if clauses is None else clauses
    covered = {row.subclause: list(row.documents) for row in clauses if row.covered}

    live = [r for r in register.records if r.doc.status != Status.retired]
    overdue = [r for r in live if r.doc.review_overdue(today)]
    changed = changed_since_approval(register)
    return Readiness(
        soa=soa,
        controls_total=len(soa),
        missing_write_ups=[row for row in soa if row.write_up is None],
        excluded=[row for row in soa if row.applicable is False],
        applicable=applicable,
        by_implementation=by_impl,
        evidenced=[row for row in applicable if row.evidenced],
        subclauses_total=len(clauses),
        subclauses_covered=covered,
        subclauses_missing=[row.subclause for row in clauses if not row.covered],
        by_status={status: [r for r in register.records if r.doc.status == status] for status in Status},
        overdue_reviews=[r for r in overdue if r.kind != Kind.risk],
        stale_risks=[r for r in overdue if r.kind == Kind.risk],
        expired_evidence=[r for r in register.of_kind(Kind.evidence) if not evidence_is_current(r, today)],
        missing_owner=[r for r in live if not r.doc.owner],
        changed_since_approval=changed,
    )
