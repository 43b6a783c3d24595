"""Coverage of another framework (NIST AI RMF, EU AI Act) through the ISO/IEC 42001 AIMS.

A requirement is reached in two ways: through the crosswalk (ISO clauses and
controls mapped to it, with a strength) and directly (documents whose
`satisfies` names it). Mapped, implemented and evidenced stay separate, and
each row has one state; the page's summary counts those states, nothing else.

A requirement that names the roles it addresses (the EU AI Act's operators)
applies only when one of the organisation's roles, declared on its AI systems,
matches; one that does not apply is shown with the reason and stays outside
every count.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..catalog import Catalog, Mapping, Requirement, load_crosswalk
from ..model import EuAiActRole, Kind, System, spec_of
from ..register.links import Links
from ..register.records import Record, Register
from .soa import SoaRow

#: Row states, from most to least done; `not_applicable` is outside every count.
STATES = ("evidenced", "implemented", "covered", "gap", "not_applicable")
#: The words every output uses for the states.
STATE_TITLES = {
    "evidenced": "Evidenced",
    "implemented": "Implemented, not evidenced",
    "covered": "Covered, not implemented",
    "gap": "Gap",
    "not_applicable": "Not applicable",
}


@dataclass(frozen=True)
class FrameworkRow:
    requirement: Requirement
    mappings: tuple[Mapping, ...]  # ISO clause/control -> this requirement
    controls: tuple[SoaRow, ...]  # the mapped Annex A controls' SoA rows
    documents: tuple[Record, ...]  # documents satisfying it directly or through a mapped ISO item
    #: Why it does not apply (None: it applies).
    not_applicable: str | None = None

    @property
    def covered(self) -> bool:
        """An approved document addresses it, or an approved write-up of a mapped control that applies."""
        documents = any(r.done and spec_of(r.kind).layout != "register" for r in self.documents)
        return documents or any(row.written and row.in_scope for row in self.controls)

    @property
    def implemented(self) -> bool:
        applicable = [row for row in self.controls if row.in_scope]
        return bool(applicable) and all(row.implemented for row in applicable)

    @property
    def evidenced(self) -> bool:
        return self.implemented and any(row.evidenced for row in self.controls)

    @property
    def state(self) -> str:
        if self.not_applicable:
            return "not_applicable"
        if not self.covered:
            return "gap"
        if self.evidenced:
            return "evidenced"
        return "implemented" if self.implemented else "covered"


@dataclass(frozen=True)
class FrameworkCoverage:
    catalog: Catalog
    note: str
    rows: tuple[FrameworkRow, ...]
    #: The organisation's roles the applicability was judged on (empty: every requirement applies).
    roles: tuple[str, ...] = ()

    def count(self, state: str) -> int:
        return sum(row.state == state for row in self.rows)

    @property
    def state_titles(self) -> dict[str, str]:
        return STATE_TITLES

    @property
    def applicable(self) -> int:
        return len(self.rows) - self.count("not_applicable")


def leaves(catalog: Catalog) -> list[Requirement]:
    """The requirements that carry obligations: those with no children."""
    parents = {r.parent for r in catalog.requirements.values() if r.parent}
    return [r for r in catalog.requirements.values() if r.id not in parents]


def organisation_roles(register: Register) -> tuple[str, ...]:
    """The roles the organisation holds for any approved AI system, in the model's order."""
    held: set[str] = set()
    for record in register.of_kind(Kind.system):
        if not record.done:
            continue  # a draft system decides nothing
        doc = record.doc
        assert isinstance(doc, System)
        held.update(role.value for role in doc.eu_ai_act_roles)
    return tuple(role.value for role in EuAiActRole if role.value in held)


def framework_coverage(register: Register, framework: str, soa: list[SoaRow], links: Links) -> FrameworkCoverage:
    catalog = register.frameworks[framework]
    crosswalk = register.crosswalks.get(framework) or load_crosswalk(
        register.catalog.id, framework, register.catalog_dir
    )
    soa_by_id = {row.control: row for row in soa}
    roles = organisation_roles(register)
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
        rows.append(FrameworkRow(req, mappings, controls, tuple(documents.values()), _not_applicable(req, roles)))
    return FrameworkCoverage(catalog, crosswalk.note, tuple(rows), roles)


def _not_applicable(req: Requirement, roles: tuple[str, ...]) -> str | None:
    if not req.roles or not roles or set(req.roles) & set(roles):
        return None
    addressed = ", ".join(r.replace("_", " ") for r in req.roles)
    held = ", ".join(r.replace("_", " ") for r in roles)
    return f"addresses {addressed}; the organisation is {held}"
