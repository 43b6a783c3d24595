"""Read the people register (`people/*.csv`, `people/*.md`), acknowledgements
(`acknowledgements/*.csv`) and training attendance lists: CSV files as HR and
LMS systems export them, every fault located to its file, line and column.

Rows are validated as columns where that is what costs: an acknowledgements
file of 50,000 rows has a few hundred distinct dates and document versions,
and each is checked once.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..model.people import (
    ACK_COLUMNS,
    ACKNOWLEDGEMENTS_FOLDER,
    PEOPLE_FOLDER,
    PERSON,
    PERSON_COLUMNS,
    PERSON_ROWS,
    parse_day,
)
from ..register.findings import Finding, error, warning
from ..register.people import AckFile, People, Person
from .frontmatter import Refused, parse_yaml, split_front_matter

#: CSV files larger than this are refused (a located error): an HR or LMS export of
#: hundreds of thousands of rows fits.
MAX_CSV_BYTES = 64 * 1024 * 1024

csv.field_size_limit(1024 * 1024)


@dataclass
class Table:
    """A CSV file read: its header, its non-empty rows and the line each row starts on."""

    display: str
    header: list[str]
    rows: list[list[str]]
    lines: list[int]
    sha256: str
    size: int

    def line(self, index: int) -> int:
        return self.lines[index]


def read_table(path: Path, display: str, code: str, findings: list[Finding]) -> Table | None:
    """Read one CSV file (UTF-8, with or without BOM, any line ending); None when it cannot be read."""

    def fail(line: int, message: str) -> None:
        findings.append(error(display, line, code, message))

    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_CSV_BYTES + 1)
    except OSError as exc:
        fail(1, f"cannot read the file: {exc.strerror or exc}")
        return None
    if len(raw) > MAX_CSV_BYTES:
        fail(1, f"file is larger than {MAX_CSV_BYTES // (1024 * 1024)} MiB")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        fail(
            raw[: exc.start].count(b"\n") + 1, f"file is not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})"
        )
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        rows = list(reader)
    except csv.Error as exc:
        fail(reader.line_num or 1, f"not a valid CSV file: {exc}")
        return None
    physical = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
    if physical == len(rows):
        lines = list(range(1, len(rows) + 1))
    else:
        # A quoted value spans lines: follow the reader to know where each row starts.
        lines, reader = [], csv.reader(io.StringIO(text, newline=""))
        start = 1
        for _ in reader:
            lines.append(start)
            start = reader.line_num + 1
    kept = [(row, line) for row, line in zip(rows, lines, strict=True) if any(cell.strip() for cell in row)]
    if not kept:
        fail(1, "the file is empty: it needs a header row naming its columns")
        return None
    header = [cell.strip() for cell in kept[0][0]]
    digest = hashlib.sha256(raw).hexdigest()
    return Table(display, header, [r for r, _ in kept[1:]], [n for _, n in kept[1:]], digest, len(raw))


def check_header(
    table: Table, known: Iterable[str], required: Iterable[str], code: str, findings: list[Finding]
) -> dict[str, int] | None:
    """The column index of each known column; None (and an error) when a required one is missing."""
    known = tuple(known)
    columns: dict[str, int] = {}
    for index, name in enumerate(table.header):
        if name in columns:
            findings.append(error(table.display, 1, code, f"column '{name}' is given twice"))
            return None
        columns[name] = index
        if name not in known:
            hint = difflib.get_close_matches(name, known, n=1, cutoff=0.75)
            tip = f"; did you mean '{hint[0]}'?" if hint else f" (columns: {', '.join(known)})"
            findings.append(warning(table.display, 1, "AIMS007", f"unknown column '{name}'{tip}"))
    missing = [name for name in required if name not in columns]
    if missing:
        names = ", ".join(f"'{name}'" for name in missing)
        findings.append(
            error(table.display, 1, code, f"the header row has no {names} column: it needs {', '.join(required)}")
        )
        return None
    return columns


def ragged(table: Table, code: str, findings: list[Finding]) -> set[int]:
    """Rows whose number of values is not the header's: errors, and left out."""
    width = len(table.header)
    if all(len(row) == width for row in table.rows):
        return set()
    bad = {i for i, row in enumerate(table.rows) if len(row) != width}
    for i in sorted(bad):
        findings.append(
            error(
                table.display,
                table.line(i),
                code,
                f"this row has {len(table.rows[i])} values; the header names {width} columns",
            )
        )
    return bad


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
    columns = check_header(table, PERSON_COLUMNS, ("id", "name"), CODE, findings)
    if columns is None:
        return
    skip = ragged(table, CODE, findings)
    wanted = [(name, i) for name, i in columns.items() if name in PERSON_COLUMNS]
    index = [i for i in range(len(table.rows)) if i not in skip]
    entries = [{name: value for name, i in wanted if (value := table.rows[r][i].strip())} for r in index]
    try:
        valid = PERSON_ROWS.validate_python(entries)
        bad: set[int] = set()
    except ValidationError as exc:
        bad = set()
        for problem in exc.errors(include_url=False):
            loc = problem.get("loc", ())
            at = loc[0] if loc and isinstance(loc[0], int) else 0
            bad.add(at)
            column = str(loc[1]) if len(loc) > 1 else ""
            findings.append(error(display, table.line(index[at]), CODE, _row_message(column, problem)))
        valid = [PERSON.validate_python(entries[i]) for i in range(len(entries)) if i not in bad]
    rows = [index[i] for i in range(len(entries)) if i not in bad]
    for i in sorted(bad):
        if (key := entries[i].get("id")) is not None:
            people.broken.add(key)
    for entry, row in zip(valid, rows, strict=True):
        _add_person(people, entry, display, table.line(row), findings)


def _row_message(column: str, problem: dict[str, Any]) -> str:
    message = problem["msg"].replace("Value error, ", "")
    if problem["type"] == "missing":
        return f"column '{column}' is empty: every row needs it"
    if problem["type"] == "string_pattern_mismatch" and column == "email":
        message = "not an e-mail address"
    if column == "joined" or problem["type"].startswith("date"):
        message = "use YYYY-MM-DD"
    shown = repr(problem.get("input"))
    return f"column '{column}': {message} (got {shown[:60]})"


def _person_md(path: Path, display: str, people: People, findings: list[Finding]) -> None:
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig").replace("\r\n", "\n")
    except (OSError, UnicodeDecodeError) as exc:
        findings.append(error(display, 1, CODE, f"cannot read the file: {exc}"))
        return
    people.files.append((display, hashlib.sha256(raw).hexdigest(), len(raw)))
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
    try:
        entry = PERSON.validate_python(data)
    except ValidationError as exc:
        for problem in exc.errors(include_url=False):
            key = str(problem["loc"][0]) if problem.get("loc") else ""
            message = _row_message(key, problem).replace("column", "key")
            if problem["type"] == "extra_forbidden":
                hint = difflib.get_close_matches(key, PERSON_COLUMNS, n=1, cutoff=0.75)
                message = f"unknown key '{key}' for a person" + (f"; did you mean '{hint[0]}'?" if hint else "")
            findings.append(error(display, lines.get(key, 1), "AIMS006", message))
        if isinstance(data.get("id"), str):
            people.broken.add(data["id"])
        return
    _add_person(people, entry, display, lines.get("id", 1), findings)


def _add_person(people: People, entry: Any, display: str, line: int, findings: list[Finding]) -> None:
    key = entry["id"]
    first = people.persons.get(key)
    if first is not None:
        findings.append(
            error(display, line, "AIMS009", f"person ID '{key}' is already used by {first.display}:{first.line}")
        )
        return
    people.persons[key] = Person(
        key,
        entry["name"],
        entry.get("email", ""),
        tuple(entry.get("roles", ())),
        entry.get("team", ""),
        entry.get("joined"),
        display,
        line,
    )


# -- acknowledgements ---------------------------------------------------------------------


def _ack_csv(path: Path, display: str, people: People, findings: list[Finding]) -> None:
    table = read_table(path, display, "AIMS045", findings)
    if table is None:
        return
    people.files.append((display, table.sha256, table.size))
    columns = check_header(table, ACK_COLUMNS, ACK_COLUMNS, "AIMS045", findings)
    if columns is None:
        return
    skip = ragged(table, "AIMS045", findings)
    rows = [row for i, row in enumerate(table.rows) if i not in skip] if skip else table.rows
    lines = [n for i, n in enumerate(table.lines) if i not in skip] if skip else table.lines
    if not rows:
        return
    by_column = list(zip(*rows, strict=True))
    persons, documents, versions, dates = (tuple(v.strip() for v in by_column[columns[name]]) for name in ACK_COLUMNS)
    # Each distinct date once: an export has a few hundred of them in tens of thousands of rows.
    days = {text: parse_day(text) for text in set(dates)}
    bad = {i for i, text in enumerate(dates) if days[text] is None} if None in days.values() else set()
    for i in sorted(bad):
        got = dates[i] or "nothing"
        findings.append(error(display, lines[i], "AIMS045", f"column 'date': use YYYY-MM-DD (got {got!r})"))
    for name, values in (("person", persons), ("document", documents), ("version", versions)):
        if "" in values:
            for i, value in enumerate(values):
                if not value and i not in bad:
                    bad.add(i)
                    findings.append(
                        error(display, lines[i], "AIMS045", f"column '{name}' is empty: every row needs it")
                    )
    keep: Callable[[tuple[Any, ...]], tuple[Any, ...]] = (
        (lambda column: tuple(v for i, v in enumerate(column) if i not in bad)) if bad else (lambda column: column)
    )
    people.ack_files.append(
        AckFile(
            display,
            keep(persons),
            keep(documents),
            keep(versions),
            tuple(days[text] for text in keep(dates)),  # type: ignore[misc]
            tuple(keep(tuple(lines))),
        )
    )


def read_attendees(path: Path, display: str, findings: list[Finding]) -> list[tuple[str, int]] | None:
    """The `person` column of a training record's attendance file, with each row's line."""
    table = read_table(path, display, CODE, findings)
    if table is None:
        return None
    columns = check_header(table, ("person", "name", "email", "date", "result"), ("person",), CODE, findings)
    if columns is None:
        return None
    skip = ragged(table, CODE, findings)
    at = columns["person"]
    found = []
    for i, row in enumerate(table.rows):
        if i in skip:
            continue
        if not row[at].strip():
            findings.append(error(display, table.line(i), CODE, "column 'person' is empty: every row needs it"))
            continue
        found.append((row[at].strip(), table.line(i)))
    return found
