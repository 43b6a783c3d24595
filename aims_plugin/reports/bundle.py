"""Every table of one audience view, computed once and read by site, pack, status and exports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..register.links import Links
from ..register.records import Register
from .changes import ChangeReport
from .coverage import ClauseRow, ControlCoverageRow, clause_coverage, control_coverage
from .frameworks import FrameworkCoverage, framework_coverage
from .people import AckRow, RoleRow, TrainingRow, acknowledgement_rows, role_rows, training_rows
from .readiness import Readiness, readiness
from .registers import EvidenceRow, HeatMap, RiskRow, SystemRow, evidence_index, heat_map, inventory, risk_register
from .soa import SoaRow
from .stage1 import Stage1Row, stage1_index


@dataclass
class Reports:
    view: Register
    today: dt.date
    links: Links
    readiness: Readiness
    clauses: list[ClauseRow]
    controls: list[ControlCoverageRow]
    risks: list[RiskRow]
    #: Inherent and residual heat maps.
    maps: tuple[HeatMap, HeatMap]
    evidence: list[EvidenceRow]
    systems: list[SystemRow]
    frameworks: list[FrameworkCoverage]
    #: The Stage 1 index of required documented information.
    stage1: list[Stage1Row]
    roles: list[RoleRow]
    training: list[TrainingRow]
    acknowledgements: list[AckRow]
    #: Changes since the configured baseline, the sentence saying why there are none, or None (not asked for).
    changes: ChangeReport | str | None = None

    @property
    def soa(self) -> list[SoaRow]:
        return self.readiness.soa


def compute(view: Register, today: dt.date, changes: ChangeReport | str | None = None, scope: str = "") -> Reports:
    """All reports of `view` (a register already filtered for one audience); `scope` is the scope setting."""
    links = Links(view)
    clauses = clause_coverage(view)
    risks = risk_register(view)
    evidence = evidence_index(view, today)
    roles, acknowledgements = role_rows(view, today), acknowledgement_rows(view, today)
    ready = readiness(view, today, links, clauses, risks, evidence, roles, acknowledgements)
    return Reports(
        view=view,
        today=today,
        links=links,
        readiness=ready,
        clauses=clauses,
        controls=control_coverage(ready.soa),
        risks=risks,
        maps=(heat_map(risks, residual=False), heat_map(risks, residual=True)),
        evidence=evidence,
        systems=inventory(view, links),
        frameworks=[framework_coverage(view, name, ready.soa, links) for name in view.frameworks],
        stage1=stage1_index(view, links, {"scope": scope}),
        roles=roles,
        training=training_rows(view, today),
        acknowledgements=acknowledgements,
        changes=changes,
    )
