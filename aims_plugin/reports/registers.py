"""The risk register, evidence index and AI system inventory as rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..model import Evidence, Kind, Risk, System
from ..register.links import Links
from ..register.records import Record, Register
from .soa import evidence_is_current


@dataclass(frozen=True)
class RiskRow:
    record: Record
    system: Record | None
    inherent: int
    residual: int | None
    controls: tuple[str, ...]

    @property
    def risk(self) -> Risk:
        assert isinstance(self.record.doc, Risk)
        return self.record.doc


def risk_register(register: Register, links: Links) -> list[RiskRow]:
    rows = []
    for record in register.of_kind(Kind.risk):
        doc = record.doc
        assert isinstance(doc, Risk)
        residual = (
            doc.residual_likelihood * doc.residual_impact
            if doc.residual_likelihood is not None and doc.residual_impact is not None
            else None
        )
        system = register.by_id.get(doc.system) if doc.system else None
        rows.append(RiskRow(record, system, doc.likelihood * doc.impact, residual, tuple(doc.controls)))
    return rows


@dataclass(frozen=True)
class HeatMap:
    """Risks per (likelihood, impact) cell, 1..5 each; cells[l-1][i-1]."""

    cells: tuple[tuple[tuple[Record, ...], ...], ...]
    residual: bool

    @property
    def total(self) -> int:
        return sum(len(cell) for row in self.cells for cell in row)


def heat_map(rows: list[RiskRow], *, residual: bool) -> HeatMap:
    grid: list[list[list[Record]]] = [[[] for _ in range(5)] for _ in range(5)]
    for row in rows:
        doc = row.risk
        likelihood, impact = (
            (doc.residual_likelihood, doc.residual_impact) if residual else (doc.likelihood, doc.impact)
        )
        if likelihood is not None and impact is not None:
            grid[likelihood - 1][impact - 1].append(row.record)
    return HeatMap(tuple(tuple(tuple(cell) for cell in line) for line in grid), residual)


@dataclass(frozen=True)
class EvidenceRow:
    record: Record
    current: bool
    controls: tuple[str, ...]

    @property
    def evidence(self) -> Evidence:
        assert isinstance(self.record.doc, Evidence)
        return self.record.doc


def evidence_index(register: Register, today: dt.date) -> list[EvidenceRow]:
    rows = []
    for record in register.of_kind(Kind.evidence):
        doc = record.doc
        assert isinstance(doc, Evidence)
        rows.append(EvidenceRow(record, evidence_is_current(record, today), tuple(doc.controls)))
    return rows


@dataclass(frozen=True)
class SystemRow:
    record: Record
    risks: tuple[Record, ...]
    assessments: tuple[Record, ...]
    incidents: tuple[Record, ...]

    @property
    def system(self) -> System:
        assert isinstance(self.record.doc, System)
        return self.record.doc


def inventory(register: Register, links: Links) -> list[SystemRow]:
    rows = []
    for record in register.of_kind(Kind.system):
        incoming = links.incoming(record.id)
        rows.append(
            SystemRow(
                record,
                tuple(r for r in incoming if r.kind == Kind.risk),
                tuple(r for r in incoming if r.kind == Kind.impact_assessment),
                tuple(r for r in incoming if r.kind == Kind.incident),
            )
        )
    return rows
