"""The people register and the acknowledgements, as the loader read them.

People are looked up by ID, by name and by e-mail; acknowledgements are kept
as columns (one tuple per column and file), which is what checks and reports
need from tens of thousands of rows: sets of people per document version.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field

from ..model.people import major as major_of


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    name: str
    email: str = ""
    roles: tuple[str, ...] = ()
    team: str = ""
    joined: dt.date | None = None
    #: Where the person is defined: the file as findings show it, and the line.
    display: str = ""
    line: int = 1


@dataclass(frozen=True)
class AckFile:
    """One acknowledgements file, valid rows only, as columns."""

    display: str
    persons: tuple[str, ...]
    documents: tuple[str, ...]
    versions: tuple[str, ...]
    dates: tuple[dt.date, ...]
    #: The line of each row.
    lines: tuple[int, ...]


@dataclass(frozen=True)
class Acknowledgement:
    """The acknowledgement of one person that counts for a document's current major version: their latest."""

    person: str
    version: str
    date: dt.date


def _norm(name: str) -> str:
    return " ".join(name.split("(", 1)[0].split()).casefold()


@dataclass
class People:
    """Everyone in the people register, and every acknowledgement row."""

    persons: dict[str, Person] = field(default_factory=dict)
    ack_files: list[AckFile] = field(default_factory=list)
    #: Files the register was read from (for the pack's manifest): (path as shown, SHA-256, size).
    files: list[tuple[str, str, int]] = field(default_factory=list)
    #: IDs of rows that failed validation: references to them are not reported again.
    broken: set[str] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.persons)

    @functools.cached_property
    def _by_name(self) -> dict[str, Person]:
        found: dict[str, Person] = {}
        for person in self.persons.values():
            found.setdefault(_norm(person.name), person)
            if person.email:
                found.setdefault(person.email.casefold(), person)
        return found

    def find(self, value: str) -> Person | None:
        """The person a value names: by ID, by name (`Daniel Okafor (CRO)` too) or by e-mail."""
        return self.persons.get(value) or self._by_name.get(_norm(value))

    def names(self) -> list[str]:
        return [person.name for person in self.persons.values()]

    def holders(self, role: str, declared: list[str] | tuple[str, ...] = ()) -> list[Person]:
        """The people who hold a role: its `holders`, and everyone whose `roles` name it, in ID order."""
        ids = set(self.by_role.get(role, ())) | {key for key in declared if key in self.persons}
        return [self.persons[key] for key in sorted(ids)]

    @functools.cached_property
    def by_role(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for person in self.persons.values():
            for role in person.roles:
                found.setdefault(role, []).append(person.id)
        return found

    def latest(self, document: str, major: int) -> dict[str, Acknowledgement]:
        """Each person's latest acknowledgement of a version of `document` with this major number."""
        found = self._index.get((document, major), {})
        return {person: Acknowledgement(person, version, day) for person, (version, day) in found.items()}

    @functools.cached_property
    def _index(self) -> dict[tuple[str, int | None], dict[str, tuple[str, dt.date]]]:
        # One pass over every row: (document, major) -> person -> (version, date) of their latest.
        found: dict[tuple[str, int | None], dict[str, tuple[str, dt.date]]] = {}
        for ack in self.ack_files:
            pairs = list(zip(ack.documents, ack.versions, strict=True))
            buckets = {pair: found.setdefault((pair[0], major_of(pair[1])), {}) for pair in set(pairs)}
            for person, pair, day in zip(ack.persons, pairs, ack.dates, strict=True):
                bucket = buckets[pair]
                seen = bucket.get(person)
                if seen is None or day > seen[1]:
                    bucket[person] = (pair[1], day)
        return found
