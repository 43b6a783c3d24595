"""Read the people register (`people/*.csv`, `people/*.md`), acknowledgements
(`acknowledgements/*.csv`) and training attendance lists: CSV files as HR and
LMS systems export them, every fault located to its file, line and column.

Rows are validated as columns where that is what costs: an acknowledgements
file of 50,000 rows has a few hundred distinct dates and document versions,
and each is checked once.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from itertools import repeat
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..model.people import (
    ACK_COLUMNS,
    ACKNOWLEDGEMENTS_FOLDER,
    PEOPLE_FOLDER,
    PERSON,
    PERSON_CELL_VALIDATORS,
    PERSON_COLUMN_VALIDATORS,
    PERSON_COLUMNS,
    parse_day,
    role_column,
    role_ids,
)
from ..register.findings import Finding, did_you_mean, error, warning
from ..register.people import AckFile, People, Person
from .frontmatter import Refused, parse_yaml, split_front_matter
from .reading import MAX_FILE_BYTES, TooLarge, read_bounded
from .tables import body, check_header, read_table

# -- people -------------------------------------------------------------------------------


def read_people(content_dir: Path, prefix: str, findings: list[Finding]) -> People:
    """The people register and the acknowledgements of a content folder (empty when it has neither)."""
    people = People()
    folder = content_dir / PEOPLE_FOLDER
    for path, rel in _files(folder, (".csv", ".md")):
        display = f"{prefix}/{PEOPLE_FOLDER}/{rel}"
        if path.suffix == ".csv":
            _people_csv(path, display, people, findings)
        else:
            _person_md(path, display, people, findings)
    for path, rel in _files(content_dir / ACKNOWLEDGEMENTS_FOLDER, (".csv",)):
        _ack_csv(path, f"{prefix}/{ACKNOWLEDGEMENTS_FOLDER}/{rel}", people, findings)
    return people


def _files(folder: Path, suffixes: tuple[str, ...]) -> list[tuple[Path, str]]:
    if not folder.is_dir():
        return []
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.endswith(suffixes) and not name.startswith("."):
                path = Path(dirpath, name)
                found.append((path, path.relative_to(folder).as_posix()))
    return found


CODE = "AIMS044"


def _people_csv(path: Path, display: str, people: People, findings: list[Finding]) -> None:
    table = read_table(path, display, CODE, findings)
    if table is None:
        return
    people.files.append((display, table.sha256, table.size))
    people.registered = True
    columns = check_header(table, PERSON_COLUMNS, ("id", "name"), CODE, findings)
    if columns is None or not len(table):
        return
    cells, lines = body(table, CODE, findings, strip=False)  # the validators strip each value
    # Column by column, each in one call to pydantic-core, with `PersonEntry`'s rules; a column with a
    # bad cell is validated again cell by cell, so that only the rows with a fault are left out.
    values: dict[str, list[Any]] = {}
    bad: set[int] = set()
    for name in PERSON_COLUMNS:
        if name not in columns:
            continue
        column = cells[columns[name]]
        try:
            values[name] = PERSON_COLUMN_VALIDATORS[name].validate_python(column)
        except ValidationError:
            values[name] = []
            for at, cell in enumerate(column):
                try:
                    values[name].append(PERSON_CELL_VALIDATORS[name].validate_python(cell))
                except ValidationError as exc:
                    values[name].append(cell)
                    if at not in bad:
                        bad.add(at)
                        problem = exc.errors(include_url=False)[0]
                        findings.append(error(display, lines[at], CODE, _row_message(name, problem)))
    count = len(lines)
    ids, names = values["id"], values["name"]
    emails = values.get("email") or repeat("", count)
    roles = role_column(values["roles"]) if "roles" in values else repeat((), count)
    teams = values.get("team") or repeat("", count)
    joined = [day or None for day in values["joined"]] if "joined" in values else repeat(None, count)
    # `tuple.__new__` makes each Person from its fields in C (a NamedTuple's own constructor is Python).
    fields = zip(ids, names, emails, roles, teams, joined, repeat(display, count), lines, strict=True)
    made: list[Person] = list(map(tuple.__new__, repeat(Person), fields))
    if bad:
        people.broken.update(str(ids[i]).strip() for i in bad if str(ids[i]).strip())
        made = [p for i, p in enumerate(made) if i not in bad]
    _add_people(people, made, findings)


def _row_message(column: str, problem: dict[str, Any]) -> str:
    message = problem["msg"].replace("Value error, ", "")
    if problem["type"] == "missing" or (
        problem["type"] == "string_too_short" and not str(problem.get("input")).strip()
    ):
        return f"column '{column}' is empty: every row needs it"
    if problem["type"] == "string_pattern_mismatch" and column in ("id", "roles"):
        message = "use letters, digits, '.', '-' and '_' only"
    if problem["type"] == "string_pattern_mismatch" and column == "email":
        message = "not an e-mail address"
    if column == "joined" or problem["type"].startswith("date"):
        message = "use YYYY-MM-DD"
    shown = repr(problem.get("input"))
    return f"column '{column}': {message} (got {shown[:60]})"


def _person_md(path: Path, display: str, people: People, findings: list[Finding]) -> None:
    try:
        raw = read_bounded(path, MAX_FILE_BYTES)
        text = raw.decode("utf-8-sig").replace("\r\n", "\n")
    except TooLarge:
        findings.append(error(display, 1, CODE, f"file is larger than {MAX_FILE_BYTES // 1024} KiB"))
        return
    except (OSError, UnicodeDecodeError) as exc:
        findings.append(error(display, 1, CODE, f"cannot read the file: {exc}"))
        return
    people.files.append((display, hashlib.sha256(raw).hexdigest(), len(raw)))
    people.registered = True
    split = split_front_matter(text)
    if isinstance(split, str):
        findings.append(error(display, 1, "AIMS002", split))
        return
    try:
        data, lines, _, _ = parse_yaml(split[0])
    except Refused as refused:
        findings.append(error(display, refused.line, refused.code, refused.message))
        return
    data.pop("kind", None)
    for key in data:
        if key not in PERSON_COLUMNS:
            tip = did_you_mean(str(key), PERSON_COLUMNS)
            findings.append(warning(display, lines.get(key, 1), "AIMS007", f"unknown key '{key}' for a person{tip}"))
    try:
        entry = PERSON.validate_python(data)
    except ValidationError as exc:
        for problem in exc.errors(include_url=False):
            key = str(problem["loc"][0]) if problem.get("loc") else ""
            message = _row_message(key, problem).replace("column", "key")
            findings.append(error(display, lines.get(key, 1), "AIMS006", message))
        if isinstance(data.get("id"), str):
            people.broken.add(data["id"])
        return
    get = entry.get
    person = Person(
        entry["id"],
        entry["name"],
        get("email", ""),
        role_ids(get("roles", ())),
        get("team", ""),
        get("joined") or None,
        display,
        lines.get("id", 1),
    )
    _add_people(people, [person], findings)


def _add_people(people: People, made: list[Person], findings: list[Finding]) -> None:
    persons = people.persons
    fresh = dict(zip((p.id for p in made), made, strict=True))
    if len(fresh) == len(made) and not fresh.keys() & persons.keys():
        persons.update(fresh)
        return
    for person in made:  # a person ID given twice: the first one counts
        first = persons.get(person.id)
        if first is not None:
            message = f"person ID '{person.id}' is already used by {first.display}:{first.line}"
            findings.append(error(person.display, person.line, "AIMS009", message))
        else:
            persons[person.id] = person


# -- acknowledgements ---------------------------------------------------------------------


def _ack_csv(path: Path, display: str, people: People, findings: list[Finding]) -> None:
    table = read_table(path, display, "AIMS045", findings)
    if table is None:
        return
    people.files.append((display, table.sha256, table.size))
    columns = check_header(table, ACK_COLUMNS, ACK_COLUMNS, "AIMS045", findings)
    if columns is None or not len(table):
        return
    by_column, lines = body(table, "AIMS045", findings)
    if not lines:
        return
    persons, documents, versions, dates = (by_column[columns[name]] for name in ACK_COLUMNS)
    # Each distinct date once: an export has a few hundred of them in tens of thousands of rows.
    days = {text: parse_day(text) for text in set(dates)}
    bad: set[int] = set()
    if None in days.values():
        bad = {i for i, text in enumerate(dates) if days[text] is None}
        for i in sorted(bad):
            got = dates[i] or "nothing"
            findings.append(error(display, lines[i], "AIMS045", f"column 'date': use YYYY-MM-DD (got {got!r})"))
    for name, values in (("person", persons), ("document", documents), ("version", versions)):
        if table.blanks and "" in values:
            for i, value in enumerate(values):
                if not value and i not in bad:
                    bad.add(i)
                    findings.append(
                        error(display, lines[i], "AIMS045", f"column '{name}' is empty: every row needs it")
                    )

    def keep(column: Sequence[Any]) -> tuple[Any, ...]:
        return tuple(v for i, v in enumerate(column) if i not in bad) if bad else tuple(column)

    valid_days = {text: day for text, day in days.items() if day is not None}
    people.ack_files.append(
        AckFile(display, keep(persons), keep(documents), keep(versions), keep(dates), valid_days, keep(lines))
    )


def read_attendees(path: Path, display: str, findings: list[Finding]) -> tuple[list[str], Sequence[int]] | None:
    """The `person` column of a training record's attendance file, and each row's line."""
    table = read_table(path, display, CODE, findings)
    if table is None:
        return None
    columns = check_header(table, ("person", "name", "email", "date", "result"), ("person",), CODE, findings)
    if columns is None:
        return None
    cells, lines = body(table, CODE, findings)
    persons = list(cells[columns["person"]])
    if table.blanks and "" in persons:
        empty = {i for i, person in enumerate(persons) if not person}
        for i in sorted(empty):
            findings.append(error(display, lines[i], CODE, "column 'person' is empty: every row needs it"))
        persons = [p for i, p in enumerate(persons) if i not in empty]
        lines = [n for i, n in enumerate(lines) if i not in empty]
    return persons, lines
