"""Coverage of another framework (NIST AI RMF, EU AI Act) through the ISO/IEC 42001 AIMS.

A requirement is reached in two ways: through the crosswalk (ISO clauses and
controls mapped to it, with a strength) and directly (documents whose
`satisfies` names it). Mapped, implemented and evidenced stay separate.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..catalog import Catalog, Mapping, Requirement, load_crosswalk
from ..model import Implementation
from ..register.links import Links
from ..register.records import Record, Register
from .soa import SoaRow


@dataclass(frozen=True)
class FrameworkRow:
    requirement: Requirement
    mappings: tuple[Mapping, ...]  # ISO clause/control -> this requirement
    controls: tuple[SoaRow, ...]  # the mapped Annex A controls' SoA rows
    documents: tuple[Record, ...]  # documents satisfying it directly or through a mapped ISO item

    @property
    def covered(self) -> bool:
        return bool(self.documents or any(row.write_up for row in self.controls))

    @property
    def implemented(self) -> bool:
        applicable = [row for row in self.controls if row.applicable]
        return bool(applicable) and all(row.implementation == Implementation.implemented for row in applicable)

    @property
    def evidenced(self) -> bool:
        return any(row.evidenced for row in self.controls if row.applicable)

    @property
    def state(self) -> str:
        if not self.covered:
            return "gap"
        if self.implemented and self.evidenced:
            return "evidenced"
        return "implemented" if self.implemented else "covered"


@dataclass(frozen=True)
class FrameworkCoverage:
    catalog: Catalog
    note: str
    rows: tuple[FrameworkRow, ...]

    def count(self, state: str) -> int:
        return sum(row.state == state for row in self.rows)


def leaves(catalog: Catalog) -> list[Requirement]:
    """The requirements that carry obligations: those with no children."""
    parents = {r.parent for r in catalog.requirements.values() if r.parent}
    return [r for r in catalog.requirements.values() if r.id not in parents]


def framework_coverage(register: Register, framework: str, soa: list[SoaRow], links: Links) -> FrameworkCoverage:
    catalog = register.frameworks[framework]
    crosswalk = load_crosswalk(register.catalog.id, framework)
    soa_by_id = {row.control: row for row in soa}
    rows = []
    for req in leaves(catalog):
        mappings = tuple(crosswalk.to_target(req.id))
        controls = tuple(soa_by_id[m.source] for m in mappings if m.source in soa_by_id)
        documents: dict[str, Record] = {}
        for record in links.incoming(f"{framework}:{req.id}"):
            documents.setdefault(record.id, record)
        for mapping in mappings:
            for record in links.incoming(mapping.source):
                documents.setdefault(record.id, record)
            sub = register.catalog.subclause_of(mapping.source)
            if sub and sub != mapping.source:
                for record in links.incoming(sub):
                    documents.setdefault(record.id, record)
        rows.append(FrameworkRow(req, mappings, controls, tuple(documents.values())))
    return FrameworkCoverage(catalog, crosswalk.note, tuple(rows))
