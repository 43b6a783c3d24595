"""The Statement of Applicability: one row per Annex A control, in catalogue order."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..model import Control, Evidence, Implementation, InclusionBasis, Kind, Status
from ..register.links import Links
from ..register.records import Record, Register


@dataclass(frozen=True)
class SoaRow:
    control: str
    title: str
    group: str
    group_title: str
    write_up: Record | None
    applicable: bool | None  # None: no write-up yet
    justification: str | None
    inclusion_basis: tuple[InclusionBasis, ...]
    implementation: Implementation | None
    owner: str | None
    policies: tuple[Record, ...]
    risks: tuple[Record, ...]
    evidence: tuple[Record, ...]
    current_evidence: tuple[Record, ...]

    @property
    def evidenced(self) -> bool:
        return bool(self.current_evidence)


def evidence_is_current(record: Record, today: dt.date) -> bool:
    doc = record.doc
    assert isinstance(doc, Evidence)
    return doc.status != Status.retired and (doc.expires is None or doc.expires >= today)


def statement_of_applicability(register: Register, today: dt.date, links: Links | None = None) -> list[SoaRow]:
    links = links or Links(register)
    write_ups: dict[str, Record] = {}
    for record in register.of_kind(Kind.control):
        assert isinstance(record.doc, Control)
        write_ups.setdefault(record.doc.control, record)
    rows = []
    for req in register.catalog.controls:
        record = write_ups.get(req.id)
        doc = record.doc if record else None
        assert doc is None or isinstance(doc, Control)
        related = [*links.incoming(req.id), *(links.outgoing(record) if record else [])]
        if record is not None:
            related += links.incoming(record.id)

        def of(*kinds: Kind, related: list[Record] = related) -> tuple[Record, ...]:
            seen: dict[str, Record] = {}
            for r in related:
                if r.kind in kinds:
                    seen.setdefault(r.id, r)
            return tuple(sorted(seen.values(), key=lambda r: r.id))

        evidence = of(Kind.evidence)
        group = register.catalog.group_of(req.id)
        rows.append(
            SoaRow(
                control=req.id,
                title=req.title,
                group=group.id if group else "",
                group_title=group.title if group else "",
                write_up=record,
                applicable=doc.applicable if doc else None,
                justification=doc.justification if doc else None,
                inclusion_basis=tuple(doc.inclusion_basis) if doc else (),
                implementation=doc.implementation if doc else None,
                owner=doc.owner if doc else None,
                policies=of(Kind.policy, Kind.procedure),
                risks=of(Kind.risk),
                evidence=evidence,
                current_evidence=tuple(e for e in evidence if evidence_is_current(e, today)),
            )
        )
    return rows
