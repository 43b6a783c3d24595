"""The Statement of Applicability: one row per Annex A control in catalogue order,
then the organisation's own controls.

Every count in the reports reads the same few properties: a write-up counts when
its record is done (approved and written), a control is implemented only with a
counted write-up, and evidenced only when implemented with current evidence.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..files.results import measured_day
from ..model import Control, Evidence, Implementation, InclusionBasis, Kind, Status, add_interval
from ..register.links import Links
from ..register.records import Record, Register, Standing

#: The SoA group of controls the organisation adds beyond Annex A (clause 6.1.3).
OWN_GROUP = ("ORG", "Organisation-defined controls")


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
    due: dt.date | None = None
    #: Current measured evidence whose results fail an expectation (or cannot be read): never counted.
    failing_evidence: tuple[Record, ...] = ()
    organisation_defined: bool = False
    #: Its write-up exists but is hidden from this audience: neither counted nor listed as missing.
    withheld: bool = False

    @property
    def standing(self) -> Standing | None:
        return self.write_up.standing if self.write_up else None

    @property
    def written(self) -> bool:
        """Written up: its write-up is approved and not a placeholder."""
        return self.write_up is not None and self.write_up.done

    @property
    def in_scope(self) -> bool:
        """Counted as applicable: every control is, unless an approved write-up excludes it."""
        return not self.withheld and not (self.written and self.applicable is False)

    @property
    def excluded(self) -> bool:
        return self.written and self.applicable is False

    @property
    def implemented(self) -> bool:
        return bool(self.applicable) and self.written and self.implementation == Implementation.implemented

    @property
    def evidenced(self) -> bool:
        """Applicable, implemented and with current evidence: the only evidence that counts in a headline.

        Current measured evidence counts only when its results pass: a control whose only
        current evidence fails is not evidenced.
        """
        return self.implemented and bool(self.passing_evidence)

    @property
    def passing_evidence(self) -> tuple[Record, ...]:
        return tuple(e for e in self.current_evidence if e not in self.failing_evidence)

    @property
    def evidence_in_progress(self) -> bool:
        """Current evidence for a control not (yet) counted as implemented: shown apart."""
        return self.in_scope and not self.implemented and bool(self.passing_evidence)


def current_until(record: Record, shelf_life: str) -> dt.date | None:
    """The last day evidence counts as current: `expires`, else `collected_on` + its shelf life.

    Measured evidence that says how often it is measured (`every`) is current until the
    next measurement is due, at the latest.
    """
    doc = record.doc
    assert isinstance(doc, Evidence)
    until = doc.expires
    if until is None and doc.collected_on is not None:
        try:
            until = add_interval(doc.collected_on, doc.shelf_life or shelf_life) - dt.timedelta(days=1)
        except (OverflowError, ValueError):
            until = dt.date.max
    due = measurement_due(record)
    if due is not None:
        until = min(until, due) if until is not None else due
    return until


def evidence_is_current(record: Record, today: dt.date, shelf_life: str) -> bool:
    """Approved, not retired, collected (not in the future), within its validity, and its file unchanged.

    Evidence with no date at all is never current.
    """
    doc = record.doc
    assert isinstance(doc, Evidence)
    until = current_until(record, shelf_life)
    if not record.done or doc.status == Status.retired or until is None or until < today:
        return False
    if doc.collected_on is not None and doc.collected_on > today:
        return False
    when = measured_day(record) if doc.expectations else None
    if when is not None and when > today:
        return False  # measured on a day still to come: it cannot count yet
    return not tampered(record)


def measurement_due(record: Record) -> dt.date | None:
    """The day measured evidence must be measured again by (`measured_on` + `every`), when it says how often."""
    doc = record.doc
    assert isinstance(doc, Evidence)
    day = measured_day(record)
    if not doc.every or day is None:
        return None
    try:
        return add_interval(day, doc.every)
    except (OverflowError, ValueError):
        return dt.date.max


def failing(record: Record) -> bool:
    """Measured evidence whose results fail an expectation, or cannot be read or measured."""
    doc = record.doc
    if not isinstance(doc, Evidence) or not doc.expectations:
        return False
    return record.measurement is None or not record.measurement.passed


def failure_text(record: Record) -> str:
    """Why measured evidence fails, with the figures; "" when it does not."""
    if not failing(record):
        return ""
    measurement = record.measurement
    if measurement is None or measurement.problems:
        return "results cannot be measured (see aims check)"
    return "; ".join(outcome.summary for outcome in measurement.failing)


def tampered(record: Record) -> bool:
    """The evidence file no longer matches the hash recorded at collection."""
    doc, attachment = record.doc, record.attachment
    if attachment is None or not isinstance(doc, Evidence) or doc.sha256 is None:
        return False
    return doc.sha256.lower() != attachment.sha256 or (doc.size is not None and doc.size != attachment.size)


def statement_of_applicability(register: Register, today: dt.date, links: Links | None = None) -> list[SoaRow]:
    links = links or Links(register)
    write_ups: dict[str, Record] = {}
    own: list[Record] = []
    for record in register.of_kind(Kind.control):
        assert isinstance(record.doc, Control)
        if record.doc.control not in write_ups:
            write_ups[record.doc.control] = record
            if record.doc.organisation_defined and record.doc.control not in register.catalog.requirements:
                own.append(record)
    rows = []
    for req in register.catalog.controls:
        group = register.catalog.group_of(req.id)
        place = (req.id, req.title, group.id if group else "", group.title if group else "")
        rows.append(_row(register, links, today, place, write_ups.get(req.id)))
    for record in own:
        assert isinstance(record.doc, Control)
        place = (record.doc.control, record.doc.title or record.doc.control, *OWN_GROUP)
        rows.append(_row(register, links, today, place, record))
    return rows


def _row(
    register: Register, links: Links, today: dt.date, place: tuple[str, str, str, str], record: Record | None
) -> SoaRow:
    control, title, group, group_title = place
    doc = record.doc if record else None
    assert doc is None or isinstance(doc, Control)
    related = [*links.incoming(control), *(links.outgoing(record) if record else [])]
    if record is not None:
        related += links.incoming(record.id)

    def of(*kinds: Kind) -> tuple[Record, ...]:
        seen: dict[str, Record] = {}
        for r in related:
            if r.kind in kinds:
                seen.setdefault(r.id, r)
        return tuple(sorted(seen.values(), key=lambda r: r.id))

    evidence = of(Kind.evidence)
    return SoaRow(
        control=control,
        title=title,
        group=group,
        group_title=group_title,
        write_up=record,
        applicable=doc.applicable if doc else None,
        justification=doc.justification if doc else None,
        inclusion_basis=tuple(doc.inclusion_basis) if doc else (),
        implementation=doc.implementation if doc else None,
        owner=doc.owner if doc else None,
        policies=of(Kind.policy, Kind.procedure),
        risks=of(Kind.risk),
        evidence=evidence,
        current_evidence=(current := tuple(e for e in evidence if evidence_is_current(e, today, register.shelf_life))),
        failing_evidence=tuple(e for e in current if failing(e)),
        due=doc.due if doc else None,
        organisation_defined=bool(doc and doc.organisation_defined),
        withheld=record is None and control in register.withheld,
    )
