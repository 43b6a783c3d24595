"""Roles, competence and acknowledgements: who holds which role, whether they are trained for it,
and who has acknowledged the documents they must read.

Pure functions of one audience's view. A build for the public shows roles,
their required reading and how many hold them, but no names, no competence
figures (training records are not public) and no acknowledgements
(`Register.show_names`).
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field

from ..model import Kind, Role, Training, add_interval
from ..model.kinds import EVERYONE, Acknowledged
from ..register.people import Acknowledgement, People, Person
from ..register.records import Record, Register


@dataclass(frozen=True)
class Held:
    """One person's standing in one competence: the latest training record giving it."""

    training: Record | None = None
    until: dt.date | None = None
    current: bool = False


#: The standing of someone with no training record giving a competence.
NOT_HELD = Held()


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
    required: list[Person]
    acknowledged: list[Person]
    missing: list[Person]
    #: The missing whose grace period has passed.
    overdue: list[Person]
    #: When acknowledging falls due for people who were there when it took effect; None while it is not in force.
    due: dt.date | None
    roles: list[str] = field(default_factory=list)
    people: People | None = None
    today: dt.date | None = None

    @functools.cached_property
    def dates(self) -> tuple[dt.date | None, dt.date | None]:
        """The first and the last acknowledgement that counts for this version."""
        if self.people is None or self.today is None:
            return (None, None)
        return self.people.span(self.record.id, self.version, self.today)

    @property
    def first(self) -> dt.date | None:
        return self.dates[0]

    @property
    def last(self) -> dt.date | None:
        return self.dates[1]

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


def holders(view: Register, role: str) -> list[Person]:
    """The people who hold a role: its record's `holders` and everyone whose `roles` name it."""
    record = view.by_id.get(role)
    declared = record.doc.holders if record is not None and isinstance(record.doc, Role) else ()
    return view.people.holders(role, declared)


def lapses(doc: Training) -> dt.date | None:
    """When the competences a training record gives stop being current (None: they do not)."""
    return add_interval(doc.date, doc.valid_for) if doc.valid_for else None


def standing(view: Register, today: dt.date) -> dict[str, dict[str, Held]]:
    """competence -> person ID -> their standing, from every approved training record."""
    held: list[tuple[Held, Training]] = []
    for record in view.of_kind(Kind.training):
        doc = record.doc
        assert isinstance(doc, Training)
        if not record.done or doc.date > today:
            continue  # a draft (or a placeholder) does not count, as nowhere else; nor a course still to come
        until = lapses(doc)
        held.append((Held(record, until, until is None or until >= today), doc))
    # Worst first, so that each person's best record is written last: current beats expired, then later beats earlier.
    held.sort(key=lambda pair: (pair[0].current, pair[1].date, pair[0].training.id if pair[0].training else ""))
    found: dict[str, dict[str, Held]] = {}
    for standing_, doc in held:
        every = dict.fromkeys(doc.attendees, standing_)
        for competence in doc.competences:
            found.setdefault(competence, {}).update(every)
    return found


def _cells(held: dict[str, Held], people: list[Person]) -> dict[str, Held]:
    get = held.get
    return {p.id: get(p.id, NOT_HELD) for p in people}


def role_rows(view: Register, today: dt.date) -> list[RoleRow]:
    """One row per role: its holders, their standing in its competences, its required reading."""
    held = standing(view, today)
    rows = []
    for record in view.of_kind(Kind.role):
        doc = record.doc
        assert isinstance(doc, Role)
        people = holders(view, record.id)
        cells = {c: _cells(held.get(c, {}), people) for c in doc.competences}
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
        return list(people.persons.values())
    found = {person.id: person for role in doc.acknowledge_by for person in holders(view, role)}
    return [found[key] for key in sorted(found)]


def acknowledgement_rows(view: Register, today: dt.date) -> list[AckRow]:
    """One row per document that names who must acknowledge it (and has a version)."""
    rows = []
    grace = dt.timedelta(days=view.acknowledgement_grace)
    for record in view.records:
        doc = record.doc
        if not isinstance(doc, Acknowledged) or not doc.acknowledge_by or not doc.version:
            continue
        people = required(view, record)
        done = view.people.acknowledged(doc.id, doc.version, today)
        start = doc.effective or doc.approved_on
        in_force = record.done and start is not None and start <= today
        due = start + grace if in_force and start else None
        acked = [p for p in people if p.id in done]
        missing = [p for p in people if p.id not in done]
        overdue = []
        if due is not None and due < today:
            overdue = [p for p in missing if p.joined is None or p.joined + grace < today]
        rows.append(
            AckRow(
                record,
                doc.version,
                people,
                acked,
                missing,
                overdue,
                due,
                roles=list(doc.acknowledge_by),
                people=view.people,
                today=today,
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
        until = lapses(doc)
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


@dataclass
class PersonRow:
    """One person: the roles they hold, what they must acknowledge and the competences their roles require."""

    person: Person
    roles: list[str] = field(default_factory=list)
    #: (document row, their acknowledgement of its current major version or None, overdue)
    reading: list[tuple[AckRow, Acknowledgement | None, bool]] = field(default_factory=list)
    #: (role ID, competence, their standing)
    competences: list[tuple[str, str, Held]] = field(default_factory=list)


def person_rows(view: Register, roles: list[RoleRow], acks: list[AckRow]) -> list[PersonRow]:
    """Per person, in ID order (for exports: never for a build for the public)."""
    rows = {key: PersonRow(person) for key, person in sorted(view.people.persons.items())}
    for role in roles:
        for person in role.holders:
            row = rows[person.id]
            row.roles.append(role.record.id)
            row.competences += [(role.record.id, c, role.held[c][person.id]) for c in role.competences]
    for ack in acks:
        latest = view.people.latest(ack.record.id, ack.version, ack.today or dt.date.today())
        overdue = {p.id for p in ack.overdue}
        for person in ack.required:
            rows[person.id].reading.append((ack, latest.get(person.id), person.id in overdue))
    return list(rows.values())
