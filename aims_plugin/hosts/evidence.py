"""`aims evidence add`: a new evidence record for a file, with its hash recorded at collection;
`aims evidence ingest`: new results for measured evidence, from CI."""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..files.load import PLACEHOLDER, load
from ..files.results import Measurement, measure
from ..model import Control, Evidence, Kind
from ..outputs.writefile import write_atomically

#: Evidence IDs `aims evidence add` continues: EV-001, EV-002 ...
_NUMBERED = re.compile(r"^EV-(\d+)$")


class EvidenceError(Exception):
    """The record cannot be written as asked (a usage error)."""


@dataclass(frozen=True)
class Added:
    record: Path
    id: str
    file: Path
    sha256: str
    size: int


def next_id(ids: set[str], prefix: str = "EV-") -> str:
    """The next free `<prefix>nnn` (keeping the width the repository already uses; 3 digits at first)."""
    numbered = _NUMBERED if prefix == "EV-" else re.compile(re.escape(prefix) + r"(\d+)$")
    numbers = [(int(m.group(1)), len(m.group(1))) for i in ids if (m := numbered.match(i))]
    width = max((w for _, w in numbers), default=3)
    number = max((n for n, _ in numbers), default=0) + 1
    while f"{prefix}{number:0{width}d}" in ids:
        number += 1
    return f"{prefix}{number:0{width}d}"


def add_evidence(content_dir: Path, file: Path, controls: list[str], title: str | None, today: dt.date) -> Added:
    """Write `evidence/<ID>.md` for `file` (copied into `evidence/files/` when it lies outside the content folder)."""
    if not file.is_file():
        raise EvidenceError(f"{file} is not a file")
    register = load(content_dir, history=False)
    known = {req.id for req in register.catalog.controls} | {
        r.doc.control for r in register.of_kind(Kind.control) if isinstance(r.doc, Control)
    }
    unknown = [c for c in controls if c not in known]
    if unknown:
        hints = [difflib.get_close_matches(c, sorted(known), n=1, cutoff=0.6) for c in unknown]
        tip = "".join(f"; did you mean '{h[0]}'?" for h in hints if h)
        raise EvidenceError(f"not a control of this AIMS: {', '.join(unknown)}{tip}")
    evidence_dir = content_dir / "evidence"
    real_content = Path(os.path.realpath(content_dir))
    real_file = Path(os.path.realpath(file))
    if real_content in real_file.parents:
        target = real_file
    else:
        target = evidence_dir / "files" / file.name
        if target.exists() and target.read_bytes() != file.read_bytes():
            raise EvidenceError(f"{target} exists with other content; rename the file first")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, target)
    data = target.read_bytes()
    record_id = next_id(set(register.by_id) | register.broken_ids)
    record = evidence_dir / f"{record_id}.md"
    if record.exists():
        raise EvidenceError(f"{record} exists already (it does not parse as a record: fix it first)")
    collector = _git_user(content_dir)
    fields = {
        "id": record_id,
        "title": title or file.stem.replace("-", " ").replace("_", " ").strip().capitalize() or record_id,
        "file": Path(os.path.relpath(os.path.realpath(target), os.path.realpath(evidence_dir))).as_posix(),
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
        "collected_on": today,
        **({"collected_by": collector, "owner": collector} if collector else {}),
        "controls": list(controls),
        "status": "draft",
        "classification": "internal",
    }
    front = yaml.safe_dump(fields, sort_keys=False, allow_unicode=True)
    body = f"{PLACEHOLDER}\n\nSay what this evidence shows, how it was produced and for which period.\n"
    write_atomically(record, f"---\n{front}---\n\n{body}".encode())
    return Added(record, record_id, target, fields["sha256"], len(data))


def _git_user(where: Path) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(where), "config", "user.name"], capture_output=True, text=True, check=False
        )
    except OSError:
        return None
    name = done.stdout.strip()
    return name or None


@dataclass(frozen=True)
class Ingested:
    record: Path
    file: Path
    sha256: str
    size: int
    measurement: Measurement
    blocking: bool


def ingest_results(
    content_dir: Path, file: Path, record_id: str, today: dt.date, *, display_root: Path, blocking_setting: bool
) -> Ingested:
    """Put a new results file in place of measured evidence's file and record its hash, size and date.

    The new results are measured first: a file that cannot be measured is refused and
    nothing is written (EvidenceError lists its faults). Written: the results file, then
    the record's `sha256`, `size`, `collected_on` and `measured_on` (from the results, else today).
    """
    if not file.is_file():
        raise EvidenceError(f"{file} is not a file")
    register = load(content_dir, history=False, display_root=display_root)
    record = register.by_id.get(record_id)
    if record is None or record.kind != Kind.evidence:
        known = sorted(r.id for r in register.of_kind(Kind.evidence))
        hint = difflib.get_close_matches(record_id, known, n=1, cutoff=0.6)
        what = "no evidence record has" if record is None else f"{record_id} is a {record.kind.value}, not evidence:"
        raise EvidenceError(f"{what} the ID '{record_id}'" + (f"; did you mean '{hint[0]}'?" if hint else ""))
    doc = record.doc
    assert isinstance(doc, Evidence)
    if not doc.expectations or not doc.file:
        raise EvidenceError(f"{record_id} is not measured evidence: give it a results `file` and `expectations`")
    real_content = os.path.realpath(content_dir)
    target = Path(os.path.realpath(record.source.path.parent / doc.file))
    if not str(target).startswith(real_content + os.sep):
        raise EvidenceError(f"{record_id}'s file '{doc.file}' lies outside the content folder")
    if target.exists() and not target.is_file():
        raise EvidenceError(f"{record_id}'s file '{doc.file}' is not a file; nothing was written")
    data = file.read_bytes()
    lines = [record.source.line_of("expectations", i) for i in range(len(doc.expectations))]
    measurement = measure(data, target.name, doc.expectations, str(file), record.source.display, lines)
    if measurement.problems:
        raise EvidenceError(
            "the results cannot be measured; nothing was written:\n"
            + "\n".join(f"  {p.path}:{p.line}: {p.code} {p.message}" for p in measurement.problems)
        )
    day = measurement.measured_on or today
    if day > today:
        raise EvidenceError(f"the results say they were measured on {day}, after today ({today})")
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(target, data)
    fields = {
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": str(len(data)),
        "collected_on": today.isoformat(),
        "measured_on": day.isoformat(),
    }
    # Bytes, not text mode: the record keeps its line endings (CRLF stays CRLF) and its BOM.
    raw = record.source.path.read_bytes()
    bom = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
    text = raw[len(bom) :].decode("utf-8")
    write_atomically(record.source.path, bom + set_front_matter(text, fields).encode())
    return Ingested(
        record.source.path, target, fields["sha256"], len(data), measurement, doc.blocking or blocking_setting
    )


def set_front_matter(text: str, fields: dict[str, str]) -> str:
    """Set top-level scalar keys of a Markdown file's front matter, in place.

    New keys go after the `file:` line (where a reader looks for the file's hash), else at
    the end. Comments, order and every other line stay as written.
    """
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.split(newline)
    end = next(i for i, line in enumerate(lines[1:], 1) if line.rstrip() in ("---", "..."))
    todo = dict(fields)
    at = end
    for index in range(1, end):
        key = lines[index].split(":", 1)[0]
        if key in todo and lines[index].startswith(f"{key}:"):
            lines[index] = f"{key}: {todo.pop(key)}"
        elif key == "file" and lines[index].startswith("file:"):
            at = index + 1
    lines[at:at] = [f"{key}: {value}" for key, value in todo.items()]
    return newline.join(lines)
