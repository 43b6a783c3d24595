"""The people register and the acknowledgements, as the loader read them.

People are looked up by ID, by name and by e-mail; acknowledgements are kept
as columns (one tuple per column and file), which is what checks and reports
need from tens of thousands of rows: sets of people per document version.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator, KeysView
from dataclasses import dataclass, field
from typing import NamedTuple

from ..model.people import version_key


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
    def pairs(self) -> tuple[tuple[str, str], ...]:
        """(document, version) of each row."""
        return tuple(zip(self.documents, self.versions, strict=True))

    @functools.cached_property
    def groups(self) -> dict[tuple[str, str], set[str]]:
        """(document, version) -> the people with a row of it, whatever its date (one pass over the rows)."""
        found: dict[tuple[str, str], set[str]] = {}
        for pair, person in zip(zip(self.documents, self.versions, strict=True), self.persons, strict=True):
            people = found.get(pair)
            if people is None:
                found[pair] = {person}
            else:
                people.add(person)
        return found

    @property
    def distinct_pairs(self) -> KeysView[tuple[str, str]]:
        return self.groups.keys()

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

    #: A people register exists (a file of it was read), even if it names no one yet.
    registered: bool = False
    _sets: dict[dt.date, dict[tuple[str, str], set[str]]] = field(default_factory=dict, repr=False)

    def __bool__(self) -> bool:
        return self.registered or bool(self.persons)

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

    def acknowledged(self, document: str, version: str, today: dt.date) -> set[str]:
        """Who has acknowledged `document` at a version of `version`'s major number, no later than
        `version`, on a day not after `today`: rows that cannot count (a version not issued, a date
        still to come) are left out, as `aims check` reports them."""
        found: set[str] = set()
        for pair in self._counting(document, version):
            found |= self._pair_sets(today)[pair]
        return found

    def latest(self, document: str, version: str, today: dt.date) -> dict[str, Acknowledgement]:
        """Each person's latest acknowledgement that counts for `version` (as `acknowledged` says)."""
        found: dict[str, Acknowledgement] = {}
        for row in self._counted(document, version, today):
            seen = found.get(row.person)
            if seen is None or row.date > seen.date:
                found[row.person] = row
        return found

    def span(self, document: str, version: str, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
        """The first and the last date of the acknowledgements that count (worked out when shown)."""
        days = [row.date for row in self._counted(document, version, today)]
        return (min(days), max(days)) if days else (None, None)

    def _counted(self, document: str, version: str, today: dt.date) -> Iterator[Acknowledgement]:
        """Every row that counts for `version`, one by one (for what is shown, not for the checks)."""
        wanted = set(self._counting(document, version))
        for ack in self.ack_files:
            for person, pair, day in zip(ack.persons, ack.pairs, ack.dates, strict=True):
                if pair in wanted and day <= today:
                    yield Acknowledgement(person, pair[1], day)

    def _counting(self, document: str, version: str) -> list[tuple[str, str]]:
        """The (document, version) pairs of the rows that count for `version`: same major, not later."""
        key = version_key(version)
        if key is None:
            return []
        pairs = {pair for ack in self.ack_files for pair in ack.distinct_pairs if pair[0] == document}
        return [p for p in pairs if (k := version_key(p[1])) is not None and k[0] == key[0] and k <= key]

    def _pair_sets(self, today: dt.date) -> dict[tuple[str, str], set[str]]:
        """(document, version) -> the people with a row of it dated no later than `today` (one pass over the rows)."""
        if today not in self._sets:
            found: dict[tuple[str, str], set[str]] = {}
            for ack in self.ack_files:
                sets = {pair: found.setdefault(pair, set()) for pair in ack.distinct_pairs}
                if max(ack.distinct_dates, default=today) <= today:
                    for pair, people in ack.groups.items():
                        sets[pair] |= people
                else:  # some rows are dated later than today: they cannot count yet
                    for pair, person, day in zip(ack.pairs, ack.persons, ack.dates, strict=True):
                        if day <= today:
                            sets[pair].add(person)
            self._sets[today] = found
        return self._sets[today]
