"""The people register and the acknowledgements, as the loader read them.

People are looked up by ID, by name and by e-mail; acknowledgements are kept
as columns (one tuple per column and file), which is what checks and reports
need from tens of thousands of rows: sets of people per document version.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from itertools import compress
from typing import NamedTuple

from ..model.people import major as major_of


class Person(NamedTuple):
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
    #: Each row's date as written, and what each distinct text means (the dates are made when used).
    date_texts: tuple[str, ...]
    days: dict[str, dt.date]
    #: The line of each row.
    lines: tuple[int, ...]

    @functools.cached_property
    def dates(self) -> tuple[dt.date, ...]:
        return tuple(map(self.days.__getitem__, self.date_texts))

    @functools.cached_property
    def pairs(self) -> list[tuple[str, str]]:
        """(document, version) of each row."""
        return list(zip(self.documents, self.versions, strict=True))

    @functools.cached_property
    def distinct_pairs(self) -> set[tuple[str, str]]:
        return set(zip(self.documents, self.versions, strict=True))

    @functools.cached_property
    def distinct_dates(self) -> set[dt.date]:
        return set(self.days.values())


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
    #: The file `aims acknowledge` appends to: line -> e-mail of the commit author who wrote it
    #: (read only when the setting `acknowledgements_by_committer` asks for the check).
    committers: dict[int, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.persons)

    @functools.cached_property
    def _by_name(self) -> dict[str, Person]:
        # Built in C (`map`, `zip`): names and e-mails casefolded; the first person of a name wins.
        persons = list(self.persons.values())
        found = dict(
            zip(map(str.casefold, (p.email for p in persons if p.email)), (p for p in persons if p.email), strict=True)
        )
        by_name = dict(zip(map(str.casefold, (p.name for p in reversed(persons))), reversed(persons), strict=True))
        return {**found, **by_name}

    def find(self, value: str) -> Person | None:
        """The person a value names: by ID, by name (`Daniel Okafor (CRO)` too) or by e-mail."""
        return self.persons.get(value) or self._by_name.get(value.casefold()) or self._by_name.get(_norm(value))

    def names(self) -> list[str]:
        return [person.name for person in self.persons.values()]

    def holders(self, role: str, declared: list[str] | tuple[str, ...] = ()) -> list[Person]:
        """The people who hold a role: its `holders`, then everyone else whose `roles` name it, in register order."""
        persons = self.persons
        ids = dict.fromkeys(key for key in declared if key in persons) | dict.fromkeys(self.by_role.get(role, ()))
        return [persons[key] for key in ids]

    @functools.cached_property
    def by_role(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for person in self.persons.values():
            for role in person.roles:
                found.setdefault(role, []).append(person.id)
        return found

    def acknowledged(self, document: str, major: int | None) -> set[str]:
        """Who has acknowledged a version of `document` with this major number."""
        return self._buckets.get((document, major), set())

    def span(self, document: str, major: int | None) -> tuple[dt.date | None, dt.date | None]:
        """The first and the last date of those acknowledgements (worked out when shown)."""
        days = [
            day
            for ack in self.ack_files
            for pair in ack.distinct_pairs
            if pair[0] == document and major_of(pair[1]) == major
            for day in compress(ack.dates, map(pair.__eq__, ack.pairs))
        ]
        return (min(days), max(days)) if days else (None, None)

    @functools.cached_property
    def _buckets(self) -> dict[tuple[str, int | None], set[str]]:
        found: dict[tuple[str, int | None], set[str]] = {}
        for ack in self.ack_files:
            # One set per (document, major): each row adds its person to the set of its version.
            sets = {pair: found.setdefault((pair[0], major_of(pair[1])), set()) for pair in ack.distinct_pairs}
            for pair, person in zip(zip(ack.documents, ack.versions, strict=True), ack.persons, strict=True):
                sets[pair].add(person)
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
