"""Open items: everything still to do before the audit, computed once for status, site and pack.

Each item names the record (or catalogue entry) behind it, who owns it and when
it is due, so every list links to its rows and can be sorted by urgency.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..model import ActionStatus, Kind, Nonconformity, Status
from ..register.findings import plural
from ..register.links import actions_of
from ..register.records import Record, Register
from .coverage import ClauseRow
from .people import AckRow, RoleRow, acknowledgement_rows, role_rows
from .registers import EvidenceRow, RiskRow
from .soa import SoaRow, tampered


@dataclass(frozen=True)
class Category:
    key: str
    title: str


#: In order of urgency: what is late first, then what blocks the audit, then what is soon due.
CATEGORIES = (
    Category("overdue-actions", "Overdue actions"),
    Category("overdue-reviews", "Reviews past due"),
    Category("above-appetite", "Risks above appetite without acceptance"),
    Category("open-nonconformities", "Open nonconformities"),
    Category("open-assessments", "Impact assessments not approved"),
    Category("not-implemented", "Applicable controls not implemented"),
    Category("not-evidenced", "Implemented controls without current evidence"),
    Category("evidence-failing", "Measured evidence failing its thresholds"),
    Category("evidence-not-current", "Evidence not current"),
    Category("evidence-expiring", "Evidence expiring soon"),
    Category("acknowledgements-overdue", "Acknowledgements overdue"),
    Category("competence-gaps", "Role holders without current training"),
    Category("roles-without-holders", "Roles without holders"),
    Category("missing-write-ups", "Controls without an approved write-up"),
    Category("uncovered", "Subclauses not covered"),
    Category("not-approved", "Documents not approved"),
    Category("changed-since-approval", "Changed since approval"),
    Category("unassigned-actions", "Open actions without an owner"),
    Category("missing-owner", "Documents without an owner"),
)
_RANK = {c.key: i for i, c in enumerate(CATEGORIES)}


@dataclass(frozen=True)
class OpenItem:
    category: str
    #: The ID the item links to: a record, a control or a subclause.
    ref: str
    title: str
    owner: str | None
    due: dt.date | None
    detail: str
    #: The action's own ID, when the item is an action (it is shown beside its record).
    action: str | None = None

    def overdue(self, today: dt.date) -> bool:
        return self.due is not None and self.due < today

    def sort_key(self) -> tuple[dt.date, int]:
        # A stable sort: items of equal date and category keep their register (catalogue) order.
        return (self.due or dt.date.max, _RANK[self.category])


@dataclass(frozen=True)
class OpenItems:
    items: tuple[OpenItem, ...]

    def of(self, category: str) -> list[OpenItem]:
        return [item for item in self.items if item.category == category]

    def groups(self) -> list[tuple[Category, list[OpenItem]]]:
        """Every category in urgency order, with its items (due first, soonest first)."""
        return [(category, self.of(category.key)) for category in CATEGORIES]

    def __len__(self) -> int:
        return len(self.items)


def open_items(
    register: Register,
    today: dt.date,
    soa: list[SoaRow],
    clauses: list[ClauseRow],
    risks: list[RiskRow],
    evidence: list[EvidenceRow],
    changed: list[tuple[Record, object]],
    roles: list[RoleRow] | None = None,
    acknowledgements: list[AckRow] | None = None,
) -> OpenItems:
    items: list[OpenItem] = []

    def _catalog_title(record: Record) -> str:
        req = register.catalog.requirements.get(record.topic)
        return f"{record.topic} {req.title}" if req else record.id

    def add(category: str, record_or_id: Record | str, detail: str, *, owner=None, due=None, title=None, action=None):
        if isinstance(record_or_id, Record):
            ref, title = record_or_id.id, title or record_or_id.doc.title or _catalog_title(record_or_id)
            owner = owner if owner is not None else record_or_id.doc.owner
        else:
            ref = record_or_id
        items.append(OpenItem(category, ref, title or ref, owner, due, detail, action))

    live = [r for r in register.records if r.doc.status != Status.retired]
    for record in live:
        for act in actions_of(record):
            if act.status != ActionStatus.open:
                continue
            if act.overdue(today):
                assert act.due is not None
                days = (today - act.due).days
                add(
                    "overdue-actions",
                    record,
                    f"{act.title} ({plural(days, 'day')} late)",
                    owner=act.owner or "",
                    due=act.due,
                    action=act.id,
                )
            if not act.owner:
                add("unassigned-actions", record, act.title, owner="", due=act.due, action=act.id)
        if record.doc.review_overdue(today):
            add("overdue-reviews", record, f"review was due {record.doc.next_review}", due=record.doc.next_review)
        if not record.doc.owner:
            add("missing-owner", record, f"{record.kind.value.replace('_', ' ')} without an owner")
        # Control write-ups are listed under "missing-write-ups", evidence under "evidence-not-current",
        # impact assessments under "open-assessments": each open thing once.
        listed_elsewhere = record.kind in (Kind.control, Kind.evidence, Kind.impact_assessment)
        if not listed_elsewhere and not record.done and record.doc.status != Status.retired:
            add("not-approved", record, record.standing.value.replace("_", " "))

    for row in risks:
        if row.needs_acceptance and row.record.doc.status != Status.retired:
            band = row.residual_band.name
            score = row.residual if row.residual is not None else row.inherent
            add("above-appetite", row.record, f"rated {band} ({score}), above the appetite; no acceptance recorded")
    for record in register.of_kind(Kind.nonconformity):
        doc = record.doc
        assert isinstance(doc, Nonconformity)
        if doc.closed_on is None and doc.status != Status.retired:
            add(
                "open-nonconformities",
                record,
                f"{doc.grade.value if doc.grade else 'ungraded'}, not closed",
                due=doc.due,
            )
    for record in register.of_kind(Kind.impact_assessment):
        if record.doc.status != Status.retired and not record.done:
            add("open-assessments", record, record.standing.value.replace("_", " "))

    for row in soa:
        if row.withheld:
            continue  # hidden from this audience: not reported as missing
        if row.in_scope and not row.implemented:
            claimed = row.implementation.value.replace("_", " ") if row.implementation else "not started"
            why = (
                claimed
                if row.written
                else f"{claimed}; write-up {row.standing.value.replace('_', ' ') if row.standing else 'missing'}"
            )
            add("not-implemented", row.control, why, owner=row.owner, due=row.due, title=f"{row.control} {row.title}")
        elif row.implemented and not row.evidenced:
            why = (
                f"evidence failing: {', '.join(e.id for e in row.failing_evidence)}"
                if row.failing_evidence
                else "no current evidence"
            )
            add("not-evidenced", row.control, why, owner=row.owner, title=f"{row.control} {row.title}")
        if not row.written:
            state = row.standing.value.replace("_", " ") if row.standing else "no write-up"
            add("missing-write-ups", row.control, state, owner=row.owner, title=f"{row.control} {row.title}")
    for clause in clauses:
        if not clause.covered and clause.subclause not in register.withheld:
            detail = "in review" if clause.in_review else "no approved document names it"
            add("uncovered", clause.subclause, detail, owner="", title=f"{clause.subclause} {clause.title}")

    window = today + dt.timedelta(days=register.expiry_window)
    for ev in evidence:
        if ev.record.doc.status == Status.retired:
            continue
        if ev.failing and ev.current:
            add("evidence-failing", ev.record, ev.failure)
        if not ev.current:
            due = None
            if not ev.record.done:
                why = f"not counted: {ev.record.standing.value.replace('_', ' ')}"
            elif tampered(ev.record):
                why = "its file no longer matches the hash recorded at collection"
            elif ev.until is None:
                why = "never current: no collection date or expiry"
            elif ev.until < today:
                why, due = f"was current until {ev.until}", ev.until
            else:
                why = "collected on a future date"
            add("evidence-not-current", ev.record, why, due=due)
        elif ev.until is not None and ev.until <= window:
            add("evidence-expiring", ev.record, f"current until {ev.until}", due=ev.until)

    for role in role_rows(register, today) if roles is None else roles:
        if not role.holders:
            add("roles-without-holders", role.record, "no one holds it")
        if not register.show_names:
            continue  # competence comes from training records, which a build for the public does not hold
        for competence in role.competences:
            lacking = len(role.holders) - role.covered(competence)
            if lacking:
                add(
                    "competence-gaps",
                    role.record,
                    f"{lacking} of {plural(len(role.holders), 'holder')} lack '{competence}'",
                )
    if register.show_names:
        for ack in acknowledgement_rows(register, today) if acknowledgements is None else acknowledgements:
            if ack.overdue:
                done = f"{len(ack.acknowledged)} / {len(ack.required)} acknowledged"
                detail = f"{len(ack.overdue)} overdue for version {ack.version}; {done}"
                add("acknowledgements-overdue", ack.record, detail, due=ack.due)

    if not register.of_kind(Kind.soa) and Kind.soa.value not in register.withheld_kinds:
        add("not-approved", "SOA", "no document-control record: add soa/SOA.md", title="Statement of Applicability")

    for record, revision in changed:
        when = getattr(revision, "date", None)
        add(
            "changed-since-approval",
            record,
            f"changed {when.date() if when else ''} after approval on {record.doc.approved_on}",
        )

    return OpenItems(tuple(sorted(items, key=OpenItem.sort_key)))
