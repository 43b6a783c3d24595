"""Read a results file (JSON or CSV) written by an ML pipeline and measure it against its expectations.

JSON: each expectation's metric is a dotted path; the value there is a number, or an
object of numbers, one per group. A top-level `measured_on` (YYYY-MM-DD) dates the run.
CSV: a header row, then one row per measurement; the metric is a column, `where` keeps
the matching rows and `group_by` names each row's group; a `measured_on` column dates it.

Every fault (unreadable file, bad JSON or CSV, missing metric, a value that is no number)
is a located error: the results file's line where there is one, else the expectation's.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..model import Evidence, measures
from ..model.measures import Expectation, Threshold, compare
from ..register.findings import Finding, error
from .tables import located_rows

if TYPE_CHECKING:
    from ..register.records import Record

#: A results file that holds no more than this is refused (a located error, never a hang).
MAX_RESULTS_BYTES = 16 * 1024 * 1024
#: A file with one of these suffixes is read as CSV; anything else as JSON.
CSV_SUFFIXES = (".csv", ".tsv")


@dataclass(frozen=True)
class Outcome:
    """One measured value against its threshold."""

    expectation: Expectation
    group: str | None
    value: float
    threshold: Threshold
    passed: bool
    #: The expectation's place in the record's list (two may read one metric with different rows).
    index: int = 0

    @property
    def summary(self) -> str:
        """`Approval-rate ratio (18-25) 0.778, expected >= 0.8`."""
        group = f" ({self.group})" if self.group is not None else ""
        expected = measures.describe(self.expectation.op, self.threshold)
        return f"{self.expectation.label}{group} {measures.number(self.value)}, expected {expected}"


@dataclass(frozen=True)
class Measurement:
    """What a results file shows against a record's expectations."""

    outcomes: tuple[Outcome, ...]
    problems: tuple[Finding, ...]
    #: From the results file; None when it does not say.
    measured_on: dt.date | None = None

    @property
    def failing(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if not o.passed)

    @property
    def passed(self) -> bool:
        """Readable, every metric found, every value within its threshold."""
        return not self.problems and all(o.passed for o in self.outcomes)


def measure(
    data: bytes, name: str, expectations: Sequence[Expectation], display: str, record: str, lines: Sequence[int]
) -> Measurement:
    """Measure one results file.

    A fault inside the file is located in it (`display`, its line); an expectation the file
    cannot meet (no such metric, column or group) is located at that expectation: `record`,
    line `lines[i]`.
    """
    if len(data) > MAX_RESULTS_BYTES:
        limit = MAX_RESULTS_BYTES // (1024 * 1024)
        return Measurement((), (error(display, 1, "AIMS042", f"results file is larger than {limit} MiB"),))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return Measurement((), (error(display, line, "AIMS042", "results file is not UTF-8 text"),))
    if name.lower().endswith(CSV_SUFFIXES):
        return _measure_csv(text, name.lower().endswith(".tsv"), expectations, display, record, lines)
    return _measure_json(text, expectations, display, record, lines)


def _measure_json(
    text: str, expectations: Sequence[Expectation], display: str, record: str, lines: Sequence[int]
) -> Measurement:
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        return Measurement((), (error(display, exc.lineno, "AIMS042", f"results file is not valid JSON: {exc.msg}"),))
    except ValueError as exc:
        return Measurement((), (error(display, 1, "AIMS042", f"results file is not valid JSON: {exc}"),))
    except RecursionError:
        return Measurement((), (error(display, 1, "AIMS042", "results file is nested too deeply to read"),))
    outcomes: list[Outcome] = []
    problems: list[Finding] = []
    for index, expectation in enumerate(expectations):
        line = _line(lines, index)
        where = f"expectations[{index}] ({expectation.metric})"
        found = _at_path(data, expectation.metric)
        if found is _MISSING:
            problems.append(error(record, line, "AIMS042", f"{where}: {display} has no '{expectation.metric}'"))
            continue
        values = {str(k): v for k, v in found.items()} if isinstance(found, dict) else {None: found}
        _judge(expectation, index, values, outcomes, problems, (display, record, line), where)
    measured_on, problem = _date(data.get("measured_on") if isinstance(data, dict) else None, display, 1)
    return Measurement(tuple(outcomes), tuple(problems + ([problem] if problem else [])), measured_on)


def _measure_csv(
    text: str, tabs: bool, expectations: Sequence[Expectation], display: str, record: str, lines: Sequence[int]
) -> Measurement:
    rows, problems = _csv_rows(text, "\t" if tabs else ",", display)
    if problems:
        return Measurement((), tuple(problems))
    header = rows[0][1] if rows else []
    body = rows[1:]
    outcomes: list[Outcome] = []
    used: list[tuple[int, list[str]]] = []  # the rows the expectations read: they date the measurement
    for index, expectation in enumerate(expectations):
        line = _line(lines, index)
        where = f"expectations[{index}] ({expectation.metric})"
        wanted = [expectation.metric, *expectation.where, *([expectation.group_by] if expectation.group_by else [])]
        missing = [column for column in wanted if column not in header]
        if missing:
            problems.append(error(record, line, "AIMS042", f"{where}: {display} has no column '{missing[0]}'"))
            continue
        column = {name: i for i, name in enumerate(header)}
        chosen = [
            (number, row) for number, row in body if all(row[column[k]] == v for k, v in expectation.where.items())
        ]
        used += chosen
        values: dict[str | None, Any] = {}
        value_lines: dict[str | None, int] = {}
        if expectation.group_by:
            for number, row in chosen:
                group = row[column[expectation.group_by]]
                if group in values:
                    problems.append(
                        error(display, number, "AIMS042", f"{where}: group '{group}' appears in more than one row")
                    )
                values[group], value_lines[group] = row[column[expectation.metric]], number
        elif len(chosen) != 1:
            problems.append(
                error(
                    record,
                    line,
                    "AIMS042",
                    f"{where}: {len(chosen)} rows of {display} match; give `where` to pick one, or `group_by`",
                )
            )
            continue
        else:
            values[None], value_lines[None] = chosen[0][1][column[expectation.metric]], chosen[0][0]
        _judge(expectation, index, values, outcomes, problems, (display, record, line), where, value_lines)
    measured_on: dt.date | None = None
    if "measured_on" in header:
        dates = []
        at = header.index("measured_on")
        for number, row in used or body:
            day, problem = _date(row[at], display, number)
            if problem:
                problems.append(problem)
            elif day:
                dates.append(day)
        measured_on = max(dates, default=None)
    return Measurement(tuple(outcomes), tuple(problems), measured_on)


def _csv_rows(text: str, delimiter: str, display: str) -> tuple[list[tuple[int, list[str]]], list[Finding]]:
    """The rows with their line numbers; a row whose width differs from the header's is an error."""
    found, fault = located_rows(text, delimiter)
    if fault is not None:
        reason = fault[1].removeprefix("not a valid CSV file: ")
        return [], [error(display, fault[0], "AIMS042", f"results file is not valid CSV: {reason}")]
    rows = [(number, [cell.strip() for cell in row]) for number, row in found]
    problems: list[Finding] = []
    if not rows:
        return [], [error(display, 1, "AIMS042", "results file is empty: it needs a header row and a row of results")]
    width = len(rows[0][1])
    seen: set[str] = set()
    for name in rows[0][1]:
        if name in seen:
            problems.append(error(display, rows[0][0], "AIMS042", f"column '{name}' appears twice in the header"))
        seen.add(name)
    for number, row in rows[1:]:
        if len(row) != width:
            problems.append(error(display, number, "AIMS042", f"row has {len(row)} columns; the header has {width}"))
    return rows, problems


def _judge(
    expectation: Expectation,
    index: int,
    values: dict[str | None, Any],
    outcomes: list[Outcome],
    problems: list[Finding],
    place: tuple[str, str, int],
    where: str,
    value_lines: dict[str | None, int] | None = None,
) -> None:
    """Compare each (group, value) with its threshold; a group named in `groups` must be measured."""
    display, record, line = place
    for group in expectation.groups:
        if group not in values:
            problems.append(error(record, line, "AIMS042", f"{where}: {display} has no group '{group}'"))
    ordered = (
        values.items() if len(values) == 1 else sorted(values.items(), key=lambda kv: (kv[0] is not None, kv[0] or ""))
    )
    for group, raw in ordered:
        threshold = expectation.threshold_for(group)
        if threshold is None:
            continue  # a group with no threshold of its own, and no default one
        value = _as_number(raw)
        at = (value_lines or {}).get(group, 1)
        if value is None:
            label = f" for group '{group}'" if group is not None else ""
            problems.append(error(display, at, "AIMS042", f"{where}: value{label} is not a number: {raw!r}"))
            continue
        passed = compare(value, expectation.op, threshold)
        outcomes.append(Outcome(expectation, group, value, threshold, passed, index))


_MISSING = object()


def _at_path(data: Any, path: str) -> Any:
    """The value at a dotted path (`a.b.0.c`; list items by index), or _MISSING."""
    node = data
    for part in path.split("."):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return _MISSING
    return node


def _as_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip().rstrip("%")) / (100 if value.strip().endswith("%") else 1)
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _date(value: Any, display: str, line: int) -> tuple[dt.date | None, Finding | None]:
    if value is None or value == "":
        return None, None
    try:
        return dt.date.fromisoformat(str(value)[:10]), None
    except ValueError:
        return None, error(display, line, "AIMS042", f"measured_on '{value}' is not a date: use YYYY-MM-DD")


def _line(lines: Sequence[int], index: int) -> int:
    return lines[index] if index < len(lines) else (lines[-1] if lines else 1)


#: How many past results of measured evidence its trend shows.
SERIES_LIMIT = 12


def measured_day(record: Record) -> dt.date | None:
    """When measured evidence was measured: the record says, else its results file, else `collected_on`."""
    doc = record.doc
    assert isinstance(doc, Evidence)
    from_file = record.measurement.measured_on if record.measurement else None
    return doc.measured_on or from_file or doc.collected_on


def record_series(record: Record) -> dict[tuple[int, str | None], list[tuple[dt.date, float]]]:
    """A measured evidence record's values over time: its committed versions, then the working tree's."""
    doc, measurement, attachment = record.doc, record.measurement, record.attachment
    if not isinstance(doc, Evidence) or measurement is None or attachment is None:
        return {}
    past = record.result_versions
    series = series_points(past, attachment.rel, doc.expectations) if past else {}
    # The working tree's results are the newest point (they may not be committed yet).
    day = measured_day(record)
    for outcome in measurement.outcomes if day else ():
        key = (outcome.index, outcome.group)
        points = {**dict(series.get(key, [])), day: outcome.value}
        series[key] = sorted(points.items())[-SERIES_LIMIT:]
    return series


def series_points(
    versions: Iterable[tuple[dt.date, bytes]], name: str, expectations: Sequence[Expectation]
) -> dict[tuple[int, str | None], list[tuple[dt.date, float]]]:
    """The measured values of each (expectation's index, group) across versions of one results file, oldest first.

    A version is dated by its own `measured_on`, else by the given (commit) date; a version
    that cannot be read is left out of the series (its faults were reported when it was current).
    """
    points: dict[tuple[int, str | None], dict[dt.date, float]] = {}
    for when, data in versions:
        measurement = measure(data, name, expectations, name, name, ())
        day = measurement.measured_on or when
        for outcome in measurement.outcomes:
            points.setdefault((outcome.index, outcome.group), {})[day] = outcome.value
    return {key: sorted(values.items()) for key, values in points.items()}
