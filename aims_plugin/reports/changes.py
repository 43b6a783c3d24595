"""What changed between two versions of the AIMS: the surveillance-audit view.

A pure comparison of two registers; reading the older version out of git is
the loader's job (`history.snapshot`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..model import Evidence, Kind, Risk, Status
from ..register.records import Record, Register
from .soa import statement_of_applicability


@dataclass(frozen=True)
class KindChanges:
    kind: Kind
    added: tuple[Record, ...] = ()
    changed: tuple[Record, ...] = ()
    retired: tuple[Record, ...] = ()
    removed: tuple[Record, ...] = ()
    reapproved: tuple[Record, ...] = ()
    #: Approved for the first time in the period (no approval date before).
    approved: tuple[Record, ...] = ()
    #: Each record's title as the reports show it (a write-up: its catalogue title).
    titles: dict[str, str] = field(default_factory=dict)
    #: The earlier body of each changed record, for its redline.
    before: dict[str, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.retired or self.removed or self.reapproved or self.approved)

    def rows(self) -> list[tuple[Record, str, list[str]]]:
        """Each changed record once, with its title and everything that happened to it, in order."""
        found: dict[str, tuple[Record, list[str]]] = {}
        for label, records in (
            ("added", self.added),
            ("changed", self.changed),
            ("approved", self.approved),
            ("re-approved", self.reapproved),
            ("retired", self.retired),
            ("removed", self.removed),
        ):
            for record in records:
                found.setdefault(record.id, (record, []))[1].append(label)
        return [(record, self.titles.get(record.id, record.id), labels) for record, labels in found.values()]


@dataclass(frozen=True)
class SoaChange:
    control: str
    title: str
    before: str
    after: str
    record: Record | None


@dataclass(frozen=True)
class RiskMove:
    record: Record
    before: tuple[int, int | None]  # inherent, residual score
    after: tuple[int, int | None]


@dataclass
class ChangeReport:
    since: str
    until: str
    kinds: list[KindChanges] = field(default_factory=list)
    soa: list[SoaChange] = field(default_factory=list)
    risks: list[RiskMove] = field(default_factory=list)
    evidence_expired: list[Record] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return all(k.empty for k in self.kinds) and not (self.soa or self.risks or self.evidence_expired)


def _title(record: Record, register: Register) -> str:
    if record.doc.title:
        return record.doc.title
    req = register.catalog.requirements.get(record.topic)
    return req.title if req else ""


def _soa_state(applicable: bool | None, implementation: object) -> str:
    if applicable is None:
        return "no write-up"
    if not applicable:
        return "excluded"
    return f"included, {getattr(implementation, 'value', implementation)}".replace("_", " ")


def _scores(doc: Risk) -> tuple[int, int | None]:
    residual = (
        doc.residual_likelihood * doc.residual_impact
        if doc.residual_likelihood is not None and doc.residual_impact is not None
        else None
    )
    return doc.likelihood * doc.impact, residual


def compare(
    before: Register,
    after: Register,
    *,
    since: str,
    until: str,
    since_date: dt.date,
    until_date: dt.date,
    existing: set[str] | None = None,
) -> ChangeReport:
    """The changes from `before` to `after` (both already filtered for the audience).

    `existing`: every ID in the later version, hidden ones included, so that a
    document moved out of the audience's sight is not reported as removed.
    """
    existing = set(after.by_id) if existing is None else existing
    report = ChangeReport(since=since, until=until)
    for kind in Kind:
        old = {r.id: r for r in before.of_kind(kind)}
        new = {r.id: r for r in after.of_kind(kind)}
        both = [new[i] for i in new if i in old]
        report.kinds.append(
            KindChanges(
                kind,
                added=tuple(new[i] for i in new if i not in old),
                changed=tuple(r for r in both if r.source.sha256 != old[r.id].source.sha256),
                retired=tuple(
                    r for r in both if r.doc.status == Status.retired and old[r.id].doc.status != Status.retired
                ),
                removed=tuple(old[i] for i in old if i not in existing),
                reapproved=tuple(
                    r
                    for r in both
                    if r.doc.approved_on is not None
                    and old[r.id].doc.approved_on is not None
                    and r.doc.approved_on != old[r.id].doc.approved_on
                ),
                approved=tuple(
                    r
                    for r in [*both, *(new[i] for i in new if i not in old)]
                    if r.doc.approved_on is not None and (r.id not in old or old[r.id].doc.approved_on is None)
                ),
                titles={r.id: _title(r, after if r.id in new else before) for r in [*new.values(), *old.values()]},
                before={r.id: old[r.id].source.body for r in both if r.source.body != old[r.id].source.body},
            )
        )
    old_soa = {row.control: row for row in statement_of_applicability(before, since_date)}
    for row in statement_of_applicability(after, until_date):
        was = old_soa[row.control]
        a, b = _soa_state(was.applicable, was.implementation), _soa_state(row.applicable, row.implementation)
        if a != b:
            report.soa.append(SoaChange(row.control, row.title, a, b, row.write_up))
    old_risks = {r.id: r for r in before.of_kind(Kind.risk)}
    for record in after.of_kind(Kind.risk):
        if record.id in old_risks:
            assert isinstance(record.doc, Risk) and isinstance(old_risks[record.id].doc, Risk)
            a, b = _scores(old_risks[record.id].doc), _scores(record.doc)
            if a != b:
                report.risks.append(RiskMove(record, a, b))
    for record in after.of_kind(Kind.evidence):
        doc = record.doc
        assert isinstance(doc, Evidence)
        if doc.expires is not None and since_date <= doc.expires < until_date:
            report.evidence_expired.append(record)
    return report
