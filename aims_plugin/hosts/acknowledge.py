"""Collect acknowledgements: one row from a member of staff (`aims acknowledge`), or many from an
LMS or HR export (`aims import acknowledgements`), appended to a CSV file under `acknowledgements/`.

Nothing is written unless every row can be placed (or the caller asks to skip
the ones that cannot); the file is rewritten atomically, in its own line endings.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

from ..files.tables import located_rows, ragged, read_table
from ..model.kinds import Acknowledged
from ..model.people import ACK_COLUMNS, ACKNOWLEDGEMENTS_FOLDER, OWN_FILE, issued, parse_day
from ..outputs.writefile import write_atomically
from ..register.findings import Finding
from ..register.people import Person
from ..register.records import Record, Register

#: The file `aims acknowledge` appends to.
DEFAULT_FILE = OWN_FILE


class AcknowledgeError(Exception):
    """The acknowledgement cannot be recorded (a usage error)."""


@dataclass
class Row:
    person: str
    document: str
    version: str
    date: dt.date

    def cells(self) -> list[str]:
        return [self.person, self.document, self.version, self.date.isoformat()]


def document_of(register: Register, key: str) -> Record:
    record = register.by_id.get(key)
    if record is None or not isinstance(record.doc, Acknowledged):
        raise AcknowledgeError(f"'{key}' is not a policy or procedure of this AIMS")
    if not record.doc.version:
        raise AcknowledgeError(f"{key} has no version to acknowledge")
    return record


def person_of(register: Register, value: str) -> Person:
    if not register.people:
        raise AcknowledgeError("this AIMS has no people register (people/*.csv or people/*.md)")
    person = register.people.find(value)
    if person is None:
        raise AcknowledgeError(f"'{value}' is not in the people register (give an ID, a name or an e-mail)")
    return person


def acknowledge(register: Register, document: str, who: str, day: dt.date, into: Path) -> tuple[Row, str | None]:
    """Append one row: `who` has read the current version of `document` on `day`.

    Returns the row and, when the person has already acknowledged this major
    version, the sentence saying so (nothing is written then).
    """
    record = document_of(register, document)
    person = person_of(register, who)
    version = record.doc.version or ""
    seen = register.people.latest(record.id, version, day).get(person.id)
    row = Row(person.id, record.id, version, day)
    if seen is not None:
        return row, f"{person.id} already acknowledged {record.id} version {seen.version} on {seen.date}"
    append_rows(into, [row])
    return row, None


@dataclass
class Imported:
    rows: list[Row] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    duplicates: int = 0


def import_rows(
    register: Register,
    source: Path,
    display: str,
    mapping: dict[str, str],
    date_format: str | None,
) -> Imported:
    """The rows of an export that can be placed, and `path:line: reason` for each that cannot."""
    findings: list[Finding] = []
    table = read_table(source, display, "AIMS045", findings)
    result = Imported()
    if table is None:
        result.refused = [f.format() for f in findings]
        return result
    missing = [name for name in ("person", "document", "date") if name not in mapping]
    if missing:
        raise AcknowledgeError(f"--map needs {', '.join(missing)} (for example person=EmployeeID)")
    unknown = [name for name in mapping if name not in ACK_COLUMNS]
    if unknown:
        raise AcknowledgeError(f"--map names {', '.join(unknown)}: map only {', '.join(ACK_COLUMNS)}")
    index = {}
    for name, column in mapping.items():
        if column not in table.header:
            raise AcknowledgeError(f"{display} has no column '{column}' (its columns: {', '.join(table.header)})")
        index[name] = table.header.index(column)
    known = {(r.person, r.document, r.version) for r in existing_rows(register)}
    for i, cells in enumerate(table.rows):
        line = table.line(i)

        def refuse(reason: str, line: int = line) -> None:
            result.refused.append(f"{display}:{line}: {reason}")

        if len(cells) != len(table.header):
            refuse(ragged(len(cells), len(table.header)))
            continue
        value = {name: cells[at].strip() for name, at in index.items()}
        person = register.people.find(value["person"]) if value["person"] else None
        if person is None:
            refuse(f"'{value['person']}' is not in the people register")
            continue
        record = register.by_id.get(value["document"])
        if record is None or not isinstance(record.doc, Acknowledged) or not record.doc.version:
            refuse(f"'{value['document']}' is not a policy or procedure with a version")
            continue
        day = _date(value["date"], date_format)
        if day is None:
            refuse(
                f"'{value['date']}' is not a date" + (f" in the form {date_format}" if date_format else " (YYYY-MM-DD)")
            )
            continue
        version = value.get("version") or record.doc.version
        if not issued(version, record.doc.version):
            refuse(f"{record.id} has no version '{version}' (its current version is {record.doc.version})")
            continue
        if (person.id, record.id, version) in known:
            result.duplicates += 1
            continue
        known.add((person.id, record.id, version))
        result.rows.append(Row(person.id, record.id, version, day))
    return result


def existing_rows(register: Register) -> list[Row]:
    rows = []
    for ack in register.people.ack_files:
        for person, document, version, day in zip(ack.persons, ack.documents, ack.versions, ack.dates, strict=True):
            rows.append(Row(person, document, version, day))
    return rows


def _date(text: str, date_format: str | None) -> dt.date | None:
    if date_format:
        try:
            return dt.datetime.strptime(text, date_format).date()
        except ValueError:
            return None
    # ISO dates, and ISO date-times as LMS exports write them.
    return parse_day(text[:10]) if len(text) == 10 or (len(text) > 10 and text[10] in "T ") else None


def append_rows(into: Path, rows: list[Row]) -> None:
    """Add rows to an acknowledgements file (made with its header when new), atomically, in the
    file's own order of columns and line endings."""
    old = into.read_bytes() if into.exists() else b""
    try:
        text = old.decode("utf-8-sig") if old else ""
    except UnicodeDecodeError:
        raise AcknowledgeError(f"{into}: not UTF-8; fix it with `aims check` first") from None
    newline = "\r\n" if "\r\n" in text else "\n"
    if "\r" in text.replace("\r\n", ""):
        raise AcknowledgeError(f"{into}: its lines end in a lone carriage return; save it with LF or CRLF")
    found, fault = located_rows(text)
    if fault is not None:
        raise AcknowledgeError(f"{into}:{fault[0]}: {fault[1]}")
    header = [cell.strip() for cell in found[0][1]] if found else list(ACK_COLUMNS)
    if sorted(header) != sorted(ACK_COLUMNS):
        raise AcknowledgeError(f"{into}: its header is {','.join(header)}, not the columns {','.join(ACK_COLUMNS)}")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=newline)
    if not found:
        writer.writerow(header)
        text = ""
    elif not text.endswith(("\n", "\r")):
        text += newline
    for row in rows:
        cells = dict(zip(ACK_COLUMNS, row.cells(), strict=True))
        writer.writerow([cells[name] for name in header])
    bom = b"\xef\xbb\xbf" if old.startswith(b"\xef\xbb\xbf") else b""
    write_atomically(into, bom + (text + out.getvalue()).encode("utf-8"))


def default_target(content_dir: Path, name: str = DEFAULT_FILE) -> Path:
    return content_dir / ACKNOWLEDGEMENTS_FOLDER / name
