"""The risk register, evidence index and AI system inventory as rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..model import Evidence, Kind, Risk, System, Treatment
from ..model.criteria import Band, RiskCriteria
from ..register.links import Links
from ..register.records import Record, Register
from .soa import current_until, evidence_is_current, failing, failure_text


@dataclass(frozen=True)
class RiskRow:
    record: Record
    system: Record | None
    inherent: int
    residual: int | None
    controls: tuple[str, ...]
    inherent_band: Band
    #: The band of the residual score, or of the inherent one while no residual is assessed.
    residual_band: Band
    above_appetite: bool

    @property
    def risk(self) -> Risk:
        assert isinstance(self.record.doc, Risk)
        return self.record.doc

    @property
    def accepted(self) -> bool:
        return self.risk.accepted_by is not None and self.risk.accepted_on is not None

    @property
    def needs_acceptance(self) -> bool:
        """Above appetite with no acceptance on record (and not being avoided)."""
        return self.above_appetite and not self.accepted and self.risk.treatment != Treatment.avoid


def risk_register(register: Register) -> list[RiskRow]:
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
        inherent = doc.likelihood * doc.impact
        rows.append(risk_row(register.criteria, record, system, inherent, residual))
    return rows


def risk_row(
    criteria: RiskCriteria, record: Record, system: Record | None, inherent: int, residual: int | None
) -> RiskRow:
    assert isinstance(record.doc, Risk)
    rated = residual if residual is not None else inherent
    return RiskRow(
        record,
        system,
        inherent,
        residual,
        tuple(record.doc.controls),
        inherent_band=criteria.band(inherent),
        residual_band=criteria.band(rated),
        above_appetite=criteria.above_appetite(rated),
    )


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
    #: The last day it counts as current (None: no date to count from).
    until: dt.date | None = None
    #: Measured evidence whose results fail an expectation or cannot be measured.
    failing: bool = False

    @property
    def evidence(self) -> Evidence:
        assert isinstance(self.record.doc, Evidence)
        return self.record.doc

    @property
    def failure(self) -> str:
        """What fails, in words with the figures: `auc measured 0.7, expected >= 0.75`."""
        return failure_text(self.record)


def evidence_index(register: Register, today: dt.date) -> list[EvidenceRow]:
    rows = []
    for record in register.of_kind(Kind.evidence):
        doc = record.doc
        assert isinstance(doc, Evidence)
        current = evidence_is_current(record, today, register.shelf_life)
        until = current_until(record, register.shelf_life)
        rows.append(EvidenceRow(record, current, tuple(doc.controls), until, failing(record)))
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
