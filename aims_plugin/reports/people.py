"""Roles, competence and acknowledgements: who holds which role, whether they are trained for it,
and who has acknowledged the documents they must read.

Pure functions of one audience's view; a build for the public gets the same
counts, and its templates show no names (`Register.show_names`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..model import Kind, Role, Status, Training, add_interval
from ..model.kinds import EVERYONE, Acknowledged
from ..model.people import major
from ..register.people import Acknowledgement, Person
from ..register.records import Record, Register


@dataclass(frozen=True)
class Held:
    """One person's standing in one competence: the latest training record giving it."""

    training: Record | None = None
    until: dt.date | None = None
    current: bool = False

    @property
    def expired(self) -> bool:
        return self.training is not None and not self.current


@dataclass
class RoleRow:
    record: Record
    holders: list[Person]
    reading: list[Record]
    competences: list[str]
    #: competence -> person ID -> their standing in it.
    held: dict[str, dict[str, Held]]
    reports_to: Record | None = None

    def covered(self, competence: str) -> int:
        """How many holders have a current training record giving it."""
        return sum(1 for held in self.held[competence].values() if held.current)

    @property
    def gaps(self) -> list[tuple[Person, str, Held]]:
        """(holder, competence, standing) for every required competence a holder lacks."""
        return [
            (person, competence, self.held[competence][person.id])
            for competence in self.competences
            for person in self.holders
            if not self.held[competence][person.id].current
        ]


@dataclass
class AckRow:
    """The acknowledgements of one document's current major version by the people who must give them."""

    record: Record
    version: str
    major: int | None
    required: list[Person]
    acknowledged: list[Acknowledgement]
    missing: list[Person]
    #: The missing whose grace period has passed.
    overdue: list[Person]
    #: When acknowledging falls due for people who were there when it took effect; None while it is not in force.
    due: dt.date | None
    #: Acknowledgements of this version by people who need not give one.
    others: int = 0
    first: dt.date | None = None
    last: dt.date | None = None
    roles: list[str] = field(default_factory=list)

    @property
    def percent(self) -> float | None:
        return 100 * len(self.acknowledged) / len(self.required) if self.required else None

    @property
    def due_count(self) -> int:
        """How many of the required people are due by now (acknowledged, or missing and overdue)."""
        return len(self.acknowledged) + len(self.overdue)

    @property
    def due_percent(self) -> float | None:
        return 100 * len(self.acknowledged) / self.due_count if self.due_count else None


def holders(view: Register, record: Record) -> list[Person]:
    """The people who hold a role: its `holders` and everyone whose `roles` name it."""
    assert isinstance(record.doc, Role)
    return view.people.holders(record.id, record.doc.holders)


def standing(view: Register, today: dt.date) -> dict[str, dict[str, Held]]:
    """person ID -> competence -> their standing, from every training record that is not retired."""
    found: dict[str, dict[str, Held]] = {}
    for record in view.of_kind(Kind.training):
        doc = record.doc
        assert isinstance(doc, Training)
        if doc.status == Status.retired or doc.date > today:
            continue
        until = add_interval(doc.date, doc.valid_for) if doc.valid_for else None
        held = Held(record, until, until is None or until >= today)
        for person in doc.attendees:
            mine = found.setdefault(person, {})
            for competence in doc.competences:
                best = mine.get(competence)
                if best is None or _better(held, best):
                    mine[competence] = held
    return found


def _better(new: Held, old: Held) -> bool:
    if new.current != old.current:
        return new.current
    assert new.training is not None and old.training is not None
    return new.training.doc.date > old.training.doc.date  # type: ignore[attr-defined]


def role_rows(view: Register, today: dt.date) -> list[RoleRow]:
    """One row per role: its holders, their standing in its competences, its required reading."""
    held = standing(view, today)
    rows = []
    for record in view.of_kind(Kind.role):
        doc = record.doc
        assert isinstance(doc, Role)
        people = holders(view, record)
        cells = {c: {p.id: held.get(p.id, {}).get(c, Held()) for p in people} for c in doc.competences}
        reading = [view.by_id[key] for key in doc.required_reading if key in view.by_id]
        boss = view.by_id.get(doc.reports_to or "")
        rows.append(RoleRow(record, people, reading, list(doc.competences), cells, boss))
    return rows


def competences(rows: list[RoleRow]) -> list[str]:
    """Every competence some role requires, in the order roles first name them (the matrix's columns)."""
    return list(dict.fromkeys(c for row in rows for c in row.competences))


def required(view: Register, record: Record) -> list[Person]:
    """Who must acknowledge a document: holders of the roles its `acknowledge_by` names, or everyone."""
    doc = record.doc
    assert isinstance(doc, Acknowledged)
    people = view.people
    if EVERYONE in doc.acknowledge_by:
        return sorted(people.persons.values(), key=lambda p: p.id)
    found: dict[str, Person] = {}
    for role in doc.acknowledge_by:
        role_record = view.by_id.get(role)
        declared = role_record.doc.holders if role_record is not None and isinstance(role_record.doc, Role) else ()
        for person in people.holders(role, declared):
            found[person.id] = person
    return [found[key] for key in sorted(found)]


def acknowledgement_rows(view: Register, today: dt.date) -> list[AckRow]:
    """One row per document that names who must acknowledge it (and has a version)."""
    rows = []
    grace = dt.timedelta(days=view.acknowledgement_grace)
    for record in view.records:
        doc = record.doc
        if not isinstance(doc, Acknowledged) or not doc.acknowledge_by or not doc.version:
            continue
        number = major(doc.version)
        people = required(view, record)
        latest = view.people.latest(doc.id, number) if number is not None else {}
        start = doc.effective or doc.approved_on
        in_force = record.done and start is not None and start <= today
        due = start + grace if in_force and start else None
        acked = [latest[p.id] for p in people if p.id in latest]
        missing = [p for p in people if p.id not in latest]
        overdue = []
        if due is not None:
            overdue = [p for p in missing if max(due, (p.joined + grace) if p.joined else due) < today]
        wanted = {p.id for p in people}
        days = [a.date for a in latest.values()]
        rows.append(
            AckRow(
                record,
                doc.version,
                number,
                people,
                acked,
                missing,
                overdue,
                due,
                others=sum(1 for key in latest if key not in wanted),
                first=min(days, default=None),
                last=max(days, default=None),
                roles=list(doc.acknowledge_by),
            )
        )
    return rows


@dataclass(frozen=True)
class TrainingRow:
    record: Record
    #: Until when the competences it gives stay current (None: no expiry).
    until: dt.date | None
    current: bool


def training_rows(view: Register, today: dt.date) -> list[TrainingRow]:
    """Training records, latest first, with the day their competences lapse."""
    rows = []
    for record in view.of_kind(Kind.training):
        doc = record.doc
        assert isinstance(doc, Training)
        until = add_interval(doc.date, doc.valid_for) if doc.valid_for else None
        rows.append(TrainingRow(record, until, until is None or until >= today))
    return sorted(rows, key=lambda row: (row.record.doc.date, row.record.id), reverse=True)  # type: ignore[attr-defined]


def template_context(roles: list[RoleRow], view: Register) -> dict[str, object]:
    """What the people templates need besides their rows, for the site and the pack alike."""
    return {
        "view_names": view.show_names,
        "comps": competences(roles),
        "grace": view.acknowledgement_grace,
        "target": f"{view.acknowledgement_target:g}",
    }
