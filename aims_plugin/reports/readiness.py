"""Readiness: what is done and what is still missing before the audit.

Every number comes with the rows it counts, so a page can link them, and every
count uses the one rule of `Record.done` through the SoA and coverage rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..files.history import Revision
from ..model import Implementation, Kind, Status
from ..register.links import Links
from ..register.records import Record, Register, Standing
from .coverage import ClauseRow, clause_coverage
from .open_items import OpenItems, open_items
from .people import AckRow, RoleRow
from .registers import EvidenceRow, RiskRow, evidence_index, risk_register
from .soa import SoaRow, statement_of_applicability


@dataclass(frozen=True)
class Fraction:
    part: int
    whole: int

    @property
    def percent(self) -> int:
        # Never rounds up to 100% while something is missing, nor down to 0% once something is done.
        if not self.whole:
            return 0
        value = round(100 * self.part / self.whole)
        if self.part < self.whole:
            value = min(value, 99)
        if self.part > 0:
            value = max(value, 1)
        return value

    def __str__(self) -> str:
        return f"{self.part} / {self.whole} ({self.percent}%)"


@dataclass
class Readiness:
    soa: list[SoaRow]
    clauses: list[ClauseRow]
    by_status: dict[Standing, list[Record]]
    open: OpenItems
    #: The Statement of Applicability's own record (its version and approval), if there is one.
    statement: Record | None = None
    #: Approved documents edited after approval, with the commit that changed them.
    changed_since_approval: list[tuple[Record, Revision]] = field(default_factory=list)
    #: The SoA's record exists but is hidden from this audience.
    soa_withheld: bool = False

    @property
    def controls_total(self) -> int:
        return len(self.soa)

    @property
    def applicable(self) -> list[SoaRow]:
        """Every control counts as applicable unless an approved write-up excludes it."""
        return [row for row in self.soa if row.in_scope]

    @property
    def excluded(self) -> list[SoaRow]:
        return [row for row in self.soa if row.excluded]

    @property
    def withheld(self) -> list[SoaRow]:
        """Controls whose write-ups this audience may not see: outside every count here."""
        return [row for row in self.soa if row.withheld]

    @property
    def missing_write_ups(self) -> list[SoaRow]:
        return [row for row in self.soa if not row.written and not row.withheld]

    @property
    def by_implementation(self) -> dict[Implementation, list[SoaRow]]:
        """Applicable controls by their state as it counts: implemented needs an approved write-up."""
        out: dict[Implementation, list[SoaRow]] = {state: [] for state in Implementation}
        for row in self.applicable:
            if row.implemented:
                out[Implementation.implemented].append(row)
            elif row.implementation == Implementation.in_progress:
                out[Implementation.in_progress].append(row)
            else:
                out[Implementation.not_started].append(row)
        return out

    @property
    def unapproved_claims(self) -> list[SoaRow]:
        """Controls whose write-up says implemented but is not approved: shown apart, not counted."""
        return [r for r in self.applicable if r.implementation == Implementation.implemented and not r.written]

    @property
    def evidenced(self) -> list[SoaRow]:
        return [row for row in self.applicable if row.evidenced]

    @property
    def evidence_in_progress(self) -> list[SoaRow]:
        return [row for row in self.applicable if row.evidence_in_progress]

    @property
    def implemented(self) -> Fraction:
        return Fraction(len(self.by_implementation[Implementation.implemented]), len(self.applicable))

    @property
    def evidenced_fraction(self) -> Fraction:
        return Fraction(len(self.evidenced), len(self.applicable))

    @property
    def write_ups(self) -> Fraction:
        shown = self.controls_total - len(self.withheld)
        return Fraction(shown - len(self.missing_write_ups), shown)

    @property
    def subclauses_total(self) -> int:
        return len(self.clauses)

    @property
    def subclauses_covered(self) -> list[ClauseRow]:
        return [row for row in self.clauses if row.covered]

    @property
    def subclauses_in_review(self) -> list[ClauseRow]:
        return [row for row in self.clauses if not row.covered and row.in_review]

    @property
    def subclauses_missing(self) -> list[str]:
        return [row.subclause for row in self.clauses if not row.covered]

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
    register: Register,
    today: dt.date,
    links: Links | None = None,
    clauses: list[ClauseRow] | None = None,
    risks: list[RiskRow] | None = None,
    evidence: list[EvidenceRow] | None = None,
    roles: list[RoleRow] | None = None,
    acknowledgements: list[AckRow] | None = None,
) -> Readiness:
    links = links or Links(register)
    soa = statement_of_applicability(register, today, links)
    clauses = clause_coverage(register) if clauses is None else clauses
    risks = risk_register(register) if risks is None else risks
    evidence = evidence_index(register, today) if evidence is None else evidence
    changed = changed_since_approval(register)
    statements = register.of_kind(Kind.soa)
    return Readiness(
        soa=soa,
        clauses=clauses,
        by_status={standing: [r for r in register.records if r.standing == standing] for standing in Standing},
        open=open_items(register, today, soa, clauses, risks, evidence, changed, roles, acknowledgements),
        statement=statements[0] if statements else None,
        changed_since_approval=changed,
        soa_withheld=Kind.soa.value in register.withheld_kinds,
    )
