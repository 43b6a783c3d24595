"""CSV files as the AIMS reads them: a header row naming the columns, UTF-8 with or without BOM, any
line ending; each row with the line it starts on, every fault located to its file and line.

Files without quotes (HR and LMS exports, mostly) are split on commas and newlines in C, which
gives what the csv module gives; anything else goes to the csv module, strictly.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
from collections.abc import Iterable, Sequence
from itertools import repeat
from pathlib import Path

from ..register.findings import Finding, did_you_mean, error, plural, warning
from .reading import TooLarge, read_bounded

#: CSV files larger than this are refused (a located error): an HR or LMS export of
#: hundreds of thousands of rows fits.
MAX_CSV_BYTES = 64 * 1024 * 1024

csv.field_size_limit(1024 * 1024)


def located_rows(text: str, delimiter: str = ",") -> tuple[list[tuple[int, list[str]]], tuple[int, str] | None]:
    """Every row with the line it starts on (blank rows left out), or the line and reason it stops at.

    Strict: a quote left open is an error at the line of the row it opens in, not the end of the file.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for row in reader:
            if row and any(cell.strip() for cell in row):
                rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as exc:
        return rows, (start, f"not a valid CSV file: {exc} (in the row that starts on this line)")
    return rows, None


class Table:
    """A CSV file read: its header, its non-empty rows and the line each row starts on.

    Rows are kept as one flat list of cells when every line has the header's
    number of values (the common case, and the fast one for files of 50,000
    rows): columns are then slices of it, never rows rebuilt one by one.
    """

    def __init__(
        self,
        display: str,
        header: list[str],
        sha256: str,
        size: int,
        *,
        rows: list[list[str]] | None = None,
        flat: list[str] | None = None,
        lines: Sequence[int] = (),
    ) -> None:
        self.display, self.header, self.sha256, self.size = display, header, sha256, size
        self._rows, self._flat, self.lines = rows, flat, lines
        #: Values may carry spaces or tabs around them (to be stripped); False only when the file has none.
        self.padded = True
        #: Some value may be empty (once stripped); False only when the file has none.
        self.blanks = True

    @property
    def width(self) -> int:
        return len(self.header)

    def __len__(self) -> int:
        return len(self.lines)

    @functools.cached_property
    def rows(self) -> list[list[str]]:
        if self._rows is None:
            flat, width = self._flat or [], self.width
            self._rows = [flat[i : i + width] for i in range(0, len(flat), width)]
        return self._rows

    def columns(self) -> list[tuple[str, ...]]:
        """Each column's values, in row order (for tables whose rows all have the header's width)."""
        if self._flat is not None:
            return [tuple(self._flat[j :: self.width]) for j in range(self.width)]
        return [tuple(column) for column in zip(*self.rows, strict=True)] if self.rows else [()] * self.width

    def line(self, index: int) -> int:
        return self.lines[index]


def read_table(path: Path, display: str, code: str, findings: list[Finding]) -> Table | None:
    """Read one CSV file (UTF-8, with or without BOM, any line ending); None when it cannot be read."""

    def fail(line: int, message: str) -> None:
        findings.append(error(display, line, code, message))

    try:
        raw = read_bounded(path, MAX_CSV_BYTES)
    except TooLarge:
        fail(1, f"file is larger than {MAX_CSV_BYTES // (1024 * 1024)} MiB")
        return None
    except OSError as exc:
        fail(1, f"cannot read the file: {exc.strerror or exc}")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        where = raw[: exc.start].count(b"\n") + 1
        fail(where, f"file is not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})")
        return None
    digest, size = hashlib.sha256(raw).hexdigest(), len(raw)
    table = _plain_table(text, display, digest, size)
    if table is not None:
        return table
    kept, fault = located_rows(text)
    if fault is not None:
        fail(*fault)
        return None
    if not kept:
        fail(1, "the file is empty: it needs a header row naming its columns")
        return None
    header = [cell.strip() for cell in kept[0][1]]
    return Table(display, header, digest, size, rows=[r for _, r in kept[1:]], lines=[n for n, _ in kept[1:]])


_ASCII_BLANKS = " \t\x0b\x0c\x1c\x1d\x1e\x1f"


def _plain_table(text: str, display: str, digest: str, size: int) -> Table | None:
    """The fast path: a file without quotes, blank lines or ragged rows is split on commas and
    newlines, which is what the csv module reads from it; anything else goes to the csv module."""
    if '"' in text or not text.strip():
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if "\r" in text:
            return None  # a lone carriage return ends a row for the csv module
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    if "" in lines:
        return None
    header = [cell.strip() for cell in lines[0].split(",")]
    commas = len(header) - 1
    body = lines[1:]
    if body and set(map(str.count, body, repeat(","))) != {commas}:
        return None
    if body and min(map(len, body)) <= commas + 2 and any(not line.strip(", \t") for line in body):
        return None  # a row of empty values: the csv path leaves it out
    flat = text[len(lines[0]) + 1 :].rstrip("\n").replace("\n", ",").split(",") if body else []
    table = Table(display, header, digest, size, flat=flat, lines=range(2, len(body) + 2))
    # What `str.strip` takes off: spaces, tabs and the other ASCII blanks, or any non-ASCII space.
    table.padded = not text.isascii() or any(blank in text for blank in _ASCII_BLANKS)
    # Without padding, an empty value is two commas together or a comma at either end of a line.
    table.blanks = table.padded or ",," in text or "\n," in text or ",\n" in text or text[0] == "," or text[-1] == ","
    return table


def ragged(values: int, columns: int) -> str:
    """What is wrong with a row that has another number of values than the header has columns."""
    return f"this row has {plural(values, 'value')}; the header names {plural(columns, 'column')}"


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
            tip = did_you_mean(name, known) or f" (columns: {', '.join(known)})"
            findings.append(warning(table.display, 1, "AIMS007", f"unknown column '{name}'{tip}"))
    missing = [name for name in required if name not in columns]
    if missing:
        names = ", ".join(f"'{name}'" for name in missing)
        findings.append(
            error(table.display, 1, code, f"the header row has no {names} column: it needs {', '.join(required)}")
        )
        return None
    return columns


def body(
    table: Table, code: str, findings: list[Finding], *, strip: bool = True
) -> tuple[list[tuple[str, ...]], Sequence[int]]:
    """The columns of the rows that have the header's number of values, and those rows' lines; each
    other row is an error, and left out. Values are stripped of spaces around them (unless the caller's
    validators strip them)."""
    width = len(table.header)
    if table._flat is not None or all(len(row) == width for row in table.rows):
        columns, lines = (table.columns() if len(table) else [() for _ in table.header]), table.lines
    else:
        kept = []
        for i, row in enumerate(table.rows):
            if len(row) == width:
                kept.append(i)
            else:
                findings.append(error(table.display, table.line(i), code, ragged(len(row), width)))
        rows = [table.rows[i] for i in kept]
        columns = [tuple(column) for column in zip(*rows, strict=True)] if rows else [() for _ in table.header]
        lines = [table.line(i) for i in kept]
    if strip and table.padded:
        columns = [tuple(map(str.strip, column)) for column in columns]
    return columns, lines
