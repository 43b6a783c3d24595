"""Coverage matrices: subclauses x documents, Annex A controls x document kinds.

"Mapped", "implemented" and "evidenced" stay separate: a document that names
a control is not proof that the control works. A subclause is covered only by
a document that is done (approved and written); one in review is shown apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Clause, Kind
from ..register.records import Record, Register, Standing
from .soa import SoaRow


@dataclass(frozen=True)
class ClauseRow:
    subclause: str
    title: str
    documents: tuple[Record, ...]
    write_up: Record | None

    @property
    def covering(self) -> tuple[Record, ...]:
        """The documents that count: approved and written."""
        return tuple(r for r in self.documents if r.done)

    @property
    def covered(self) -> bool:
        return bool(self.covering)

    @property
    def in_review(self) -> tuple[Record, ...]:
        return tuple(r for r in self.documents if r.standing == Standing.in_review)


def clause_coverage(register: Register) -> list[ClauseRow]:
    catalog = register.catalog
    prefix = f"{catalog.id}:"
    # Each subclause's records in register order, each once (keyed by identity: records compare by value).
    docs: dict[str, dict[int, Record]] = {}
    write_ups: dict[str, Record] = {}
    for record in register.records:
        ids = [i.removeprefix(prefix) for i in record.doc.satisfies]
        if isinstance(record.doc, Clause):
            ids.append(record.doc.clause)
            sub = catalog.subclause_of(record.doc.clause)
            if sub == record.doc.clause:
                write_ups.setdefault(sub, record)
        for req_id in ids:
            sub = catalog.subclause_of(req_id)
            if sub:
                docs.setdefault(sub, {})[id(record)] = record
    return [
        ClauseRow(req.id, req.title, tuple(docs.get(req.id, {}).values()), write_ups.get(req.id))
        for req in catalog.subclauses
    ]


@dataclass(frozen=True)
class ControlCoverageRow:
    soa: SoaRow
    policies: tuple[Record, ...]
    procedures: tuple[Record, ...]

    @property
    def mapped(self) -> bool:
        """An approved policy or procedure names the control."""
        return any(r.done for r in (*self.policies, *self.procedures))

    @property
    def implemented(self) -> bool:
        return self.soa.implemented

    @property
    def gaps(self) -> list[str]:
        """What an applicable control still lacks (nothing for exclusions)."""
        if self.soa.withheld:
            return []
        if not self.soa.written:
            return ["approved write-up"]
        if self.soa.excluded:
            return []
        gaps = []
        if not self.mapped:
            gaps.append("policy or procedure")
        if not self.soa.risks:
            gaps.append("risk")
        if not self.implemented:
            gaps.append("implementation")
        if not self.soa.evidenced:
            gaps.append("passing evidence" if self.soa.failing_evidence else "current evidence")
        return gaps


def control_coverage(soa: list[SoaRow]) -> list[ControlCoverageRow]:
    return [
        ControlCoverageRow(
            soa=row,
            policies=tuple(r for r in row.policies if r.kind == Kind.policy),
            procedures=tuple(r for r in row.policies if r.kind == Kind.procedure),
        )
        for row in soa
    ]
