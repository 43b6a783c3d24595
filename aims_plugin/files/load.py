"""Read a content folder into a `Register`: walk it, parse each file, validate each
front matter against its kind's model, and resolve evidence files.

This is the only module that reads content files. Everything it learns from
the file system (evidence file sizes and hashes included) is stored on the
records, so nothing downstream touches the disk again.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Iterator, Sequence
from operator import attrgetter
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..catalog import Catalog, Crosswalk, load_catalog, load_crosswalk
from ..model import FOLDER_KINDS, MODELS, Evidence, Kind, Training, accepted_keys, spec_of
from ..model.criteria import CRITERIA_FILE, DEFAULT_CRITERIA, RiskCriteria
from ..model.people import ACKNOWLEDGEMENTS_FOLDER, PEOPLE_FOLDER
from ..register import collector
from ..register.findings import Finding, did_you_mean, error, warning
from ..register.people import People
from ..register.records import Attachment, Record, Register, Source
from .frontmatter import Refused, parse_yaml, split_front_matter
from .history import NOT_READ, History, read_history, read_versions
from .people import read_attendees, read_people
from .reading import MAX_FILE_BYTES, TooLarge, read_bounded
from .results import SERIES_LIMIT, Measurement, measure


def load(
    content_dir: Path,
    *,
    display_root: Path | None = None,
    catalog: Catalog | None = None,
    history: bool | History = True,
    frameworks: Sequence[str] = (),
    shelf_life: str = "12 months",
    expiry_window: int = 60,
    catalog_dir: Path | None = None,
) -> Register:
    """Read every `.md` file under `content_dir` into a register (with its git history, or the one given).

    `shelf_life` and `expiry_window` are the project's evidence settings; the
    risk criteria come from the content folder's `risk_criteria.yaml`.
    """
    with collector.paused():
        return _load(content_dir, display_root, catalog, history, frameworks, shelf_life, expiry_window, catalog_dir)


def _load(
    content_dir: Path,
    display_root: Path | None,
    catalog: Catalog | None,
    history: bool | History,
    frameworks: Sequence[str],
    shelf_life: str,
    expiry_window: int,
    catalog_dir: Path | None = None,
) -> Register:
    content_dir = Path(content_dir)
    real_root = Path(os.path.realpath(content_dir))
    display_root = Path(display_root) if display_root is not None else content_dir.parent
    prefix = _display(content_dir, display_root)
    files = list(_markdown_files(content_dir))
    findings: list[Finding] = []
    people = read_people(content_dir, prefix, findings)
    records, broken = _read_all(files, prefix, real_root, people, findings)
    catalog = catalog or load_catalog()
    order = {kind: index for index, kind in enumerate(Kind)}
    position = {req_id: index for index, req_id in enumerate(catalog.requirements)}

    def sort_key(record: Record) -> tuple[int, int, str]:
        # Controls and clauses in the standard's order; everything else by path.
        topic = record.topic if spec_of(record.kind).topic else None
        return order[record.kind], position.get(topic, len(position)), record.source.rel

    records.sort(key=sort_key)
    criteria = read_criteria(content_dir / CRITERIA_FILE, f"{prefix}/{CRITERIA_FILE}", findings)
    if not isinstance(history, History):
        history = read_history(content_dir) if history else History(notice=NOT_READ)
    _read_result_versions(content_dir, records, history)
    others, crosswalks = _frameworks(catalog, frameworks, catalog_dir, display_root, findings)
    return Register(
        content_dir=content_dir,
        catalog=catalog,
        records=records,
        findings=findings,
        display_dir=prefix,
        broken_ids=broken,
        history=history,
        frameworks=others,
        crosswalks=crosswalks,
        catalog_dir=catalog_dir,
        criteria=criteria,
        shelf_life=shelf_life,
        expiry_window=expiry_window,
        people=people,
    )


def _frameworks(
    catalog: Catalog, names: Sequence[str], folder: Path | None, display_root: Path, findings: list[Finding]
) -> tuple[dict[str, Catalog], dict[str, Crosswalk]]:
    """The other frameworks and their crosswalks; a project's own file that cannot be read is a located
    error (the framework is then left out), never a traceback."""
    others: dict[str, Catalog] = {}
    crosswalks: dict[str, Crosswalk] = {}
    for name in names:
        for what, file in (("catalogue", f"{name}.yaml"), ("crosswalk", f"{catalog.id}--{name}.yaml")):
            try:
                if what == "catalogue":
                    others[name] = load_catalog(name, folder)
                else:
                    crosswalks[name] = load_crosswalk(catalog.id, name, folder)
            except (ValueError, KeyError, TypeError, AttributeError, yaml.YAMLError, OSError) as exc:
                path = folder / file if folder is not None else Path(file)
                shown = _display(path, display_root)
                message = str(exc) if not isinstance(exc, KeyError) else f"a requirement lacks the key {exc}"
                line = _line_naming(path, message)
                findings.append(error(shown, line, "AIMS051", f"this {what} cannot be used: {message}"))
                others.pop(name, None)
                break
    return others, crosswalks


def _line_naming(path: Path, message: str) -> int:
    """The first line of `path` that holds an ID or word the message quotes (1 when none does)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 1
    for word in re.findall(r"[A-Za-z0-9][\w.\-]+", message.split(":", 1)[-1])[::-1]:
        for number, line in enumerate(lines, 1):
            if re.search(rf"(?<![\w.\-]){re.escape(word)}(?![\w.\-])", line) and len(word) > 2:
                return number
    return 1


def _read_all(
    files: list[tuple[Path, str, bool]], prefix: str, real_root: Path, people: People, findings: list[Finding]
) -> tuple[list[Record], set[str]]:
    """Read every file into records, in path order.

    Parsing in forked workers was measured and rejected: unpickling the parsed
    data in the parent costs what the second core saves (10,000 files: 3.4 s
    either way on two cores).
    """
    records: list[Record] = []
    broken: set[str] = set()
    real_dirs: dict[str, str] = {}  # folder -> its real path, for this load only
    for path, rel, is_link in files:
        parsed = _parse_file(path, rel, f"{prefix}/{rel}", is_link, real_root, findings, broken)
        if parsed is not None and (record := _build_record(*parsed, real_root, real_dirs, findings, broken)):
            if isinstance(record.doc, Training) and record.doc.attendees_file:
                _add_attendees(record, record.doc.attendees_file, real_root, real_dirs, people, findings)
            records.append(record)
    return records, broken


def _display(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _markdown_files(content_dir: Path) -> Iterator[tuple[Path, str, bool]]:
    """Every `.md` file with its posix path relative to the folder, and whether it is a link, sorted:
    folders one by one, their files before their subfolders (as `os.walk` goes, without a system
    call per file to ask whether it is a link)."""

    def walk(folder: Path, rel_dir: str) -> Iterator[tuple[Path, str, bool]]:
        try:
            with os.scandir(folder) as found:
                entries = sorted(found, key=attrgetter("name"))
        except OSError:
            return  # a folder that cannot be listed is passed over, as os.walk does
        subfolders = []
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            if entry.is_dir():
                # Linked folders are not followed; the people register and acknowledgements are
                # data, read by `read_people`.
                if not entry.is_symlink() and (rel_dir or name not in (PEOPLE_FOLDER, ACKNOWLEDGEMENTS_FOLDER)):
                    subfolders.append(name)
            elif name.endswith(".md"):
                yield folder / name, rel_dir + name, entry.is_symlink()
        for name in subfolders:
            yield from walk(folder / name, f"{rel_dir}{name}/")

    return walk(Path(content_dir), "")


#: A file read and parsed: its source and its front matter as plain data.
Parsed = tuple[Source, dict[str, Any]]


_ID_LINE = re.compile(
    r"""^(id|control|clause):[ \t]*["']?([A-Za-z0-9][A-Za-z0-9._-]*)["']?[ \t]*(?:#.*)?$""", re.MULTILINE
)


def _parse_file(
    path: Path, rel: str, display: str, is_link: bool, real_root: Path, findings: list[Finding], broken: set[str]
) -> Parsed | None:
    """Read, decode and parse one file (the CPU-heavy part, safe to run in a worker)."""

    def fail(line: int, code: str, message: str) -> None:
        findings.append(error(display, line, code, message))

    # os.walk does not follow linked folders, so only the file itself can be a link.
    if is_link and not _inside(Path(os.path.realpath(path)), real_root):
        fail(1, "AIMS015", "this file is a link to a place outside the content folder; it was not read")
        return None
    try:
        raw = read_bounded(path, MAX_FILE_BYTES)
    except TooLarge:
        fail(1, "AIMS005", f"file is larger than {MAX_FILE_BYTES // 1024} KiB")
        return None
    except OSError as exc:
        fail(1, "AIMS001", f"cannot read the file: {exc.strerror or exc}")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        fail(line, "AIMS001", f"file is not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})")
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")

    split = split_front_matter(text)
    if isinstance(split, str):
        fail(1, "AIMS002", split)
        return None
    fm_text, body, body_line = split

    try:
        data, source_lines, item_lines, duplicates = parse_yaml(fm_text)
    except Refused as refused:
        fail(refused.line, refused.code, refused.message)
        # Its ID, if a line names it, so that references to it are not reported again elsewhere.
        broken.update(m.group(2) for m in _ID_LINE.finditer(fm_text))
        return None
    source = Source(
        path,
        display,
        rel,
        source_lines,
        item_lines,
        body,
        body_line,
        hashlib.sha256(raw).hexdigest(),
        len(raw),
        placeholder=PLACEHOLDER in body,
    )
    for key, line in duplicates:
        findings.append(error(display, line, "AIMS022", f"key '{key}' is given twice; only one can count"))
    return source, data


def _build_record(
    source: Source,
    data: dict[str, Any],
    real_root: Path,
    real_dirs: dict[str, str],
    findings: list[Finding],
    broken: set[str],
) -> Record | None:
    """Validate parsed front matter into a typed record; resolve its evidence file."""
    display, rel = source.display, source.rel
    kind = _kind_of(rel, data, source, findings)
    if kind is None:
        _remember_id(data, broken)
        return None
    data["kind"] = kind.value
    model = MODELS[kind]
    if spec_of(kind).prose and not source.placeholder:
        source.placeholder = is_placeholder(source.body)

    allowed = accepted_keys(kind)
    for key in data:
        if key not in allowed:
            tip = did_you_mean(key, sorted(allowed))
            findings.append(
                warning(display, source.line_of(key), "AIMS007", f"unknown key '{key}' for a {kind.value}{tip}")
            )
    try:
        doc = model.model_validate(data)
    except ValidationError as exc:
        for problem in exc.errors(include_url=False):
            findings.append(_validation_finding(problem, source, kind))
        _remember_id(data, broken)
        return None
    record = Record(doc, source)
    if isinstance(doc, Evidence) and doc.file:
        _attach(record, doc.file, real_root, real_dirs)
        if doc.expectations and record.attachment is not None:
            record.measurement = _measure(record, doc)
    return record


def _read_result_versions(content_dir: Path, records: list[Record], history: History) -> None:
    """The committed versions of each measured evidence record's results file (one git call for all);
    `Record.series` turns them into values when a page or the pack shows them."""
    measured = [r for r in records if r.measurement is not None and r.attachment is not None]
    if not measured:
        return
    wanted = {r.attachment.rel: history.of(r.attachment.rel)[:SERIES_LIMIT] for r in measured if r.attachment}
    versions = read_versions(content_dir, {rel: revs for rel, revs in wanted.items() if revs})
    for record in measured:
        assert record.attachment is not None
        record.result_versions = versions.get(record.attachment.rel, [])


def _measure(record: Record, doc: Evidence) -> Measurement:
    """Read the results file of measured evidence and compare it with the record's expectations."""
    attachment, source = record.attachment, record.source
    assert attachment is not None
    display = source.display[: len(source.display) - len(source.rel)] + attachment.rel
    lines = [source.line_of("expectations", index) for index in range(len(doc.expectations))]
    try:
        data = attachment.path.read_bytes()
    except OSError as exc:
        return Measurement((), (error(display, 1, "AIMS042", f"results file cannot be read: {exc.strerror}"),))
    return measure(data, attachment.rel, doc.expectations, display, source.display, lines)


def _kind_of(rel: str, data: dict[str, Any], source: Source, findings: list[Finding]) -> Kind | None:
    declared = data.get("kind")
    if declared is not None:
        try:
            return Kind(declared)
        except (ValueError, TypeError):
            choices = ", ".join(k.value for k in Kind)
            findings.append(
                error(source.display, source.line_of("kind"), "AIMS006", f"kind: '{declared}' is not one of {choices}")
            )
            return None
    folder = rel.split("/", 1)[0] if "/" in rel else ""
    if folder in FOLDER_KINDS:
        return FOLDER_KINDS[folder]
    folders = ", ".join(f"{name}/" for name in FOLDER_KINDS)
    findings.append(
        error(
            source.display,
            1,
            "AIMS023",
            f"cannot tell what kind of document this is: put it in one of {folders} or set 'kind'",
        )
    )
    return None


def _remember_id(data: dict[str, Any], broken: set[str]) -> None:
    for key in ("id", "control", "clause"):
        value = data.get(key)
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            broken.add(str(value))


def _validation_finding(problem: dict[str, Any], source: Source, kind: Kind) -> Finding:
    loc = problem.get("loc", ())
    key = str(loc[0]) if loc else ""
    index = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else None
    where = key + (f"[{index}]" if index is not None else "")
    deeper = [str(part) for part in loc[2 if index is not None else 1 :] if not str(part).startswith("function-")]
    if deeper:
        where += "." + ".".join(deeper)
    if problem["type"] == "missing" and len(loc) > 1:
        # A key missing inside an item (an action's title): point at the item.
        message = f"{where.rsplit('.', 1)[0]}: required key '{loc[-1]}' is missing"
        line = source.line_of(key, index)
    elif problem["type"] == "missing":
        message = f"required key '{key}' is missing for a {kind.value}"
        line = 1
    elif not key:
        # A rule across fields (a model check): the message says which.
        message = problem["msg"].replace("Value error, ", "")
        line = source.line_of(kind.value if kind.value in source.lines else "id")
    else:
        got = problem.get("input")
        shown = repr(got) if not isinstance(got, dict | list) else type(got).__name__
        if len(shown) > 60:
            shown = shown[:57] + "..."
        text = problem["msg"].replace("Value error, ", "")
        if problem["type"].startswith(("date_", "datetime_")):
            text = "not a date: use YYYY-MM-DD"
        elif problem["type"] in ("bool_parsing", "bool_type"):
            text = "use true or false"
        message = f"{where}: {text} (got {shown})"
        line = source.line_of(key, index)
    return error(source.display, line, "AIMS006", message)


#: Marks a body as not yet written (the scaffold's stubs carry it).
PLACEHOLDER = "<!-- aims:placeholder -->"
_NOT_TEXT = re.compile(r"<!--.*?-->|^[ \t]*#[^\n]*$|\s+", re.DOTALL | re.MULTILINE)


def is_placeholder(body: str) -> bool:
    """A body with the placeholder marker, or with no text beyond headings and comments.

    The second test applies only to kinds whose body is the document (`KindSpec.prose`).
    """
    return PLACEHOLDER in body or not _NOT_TEXT.sub("", body)


def read_criteria(path: Path, display: str, findings: list[Finding]) -> RiskCriteria:
    """The organisation's risk criteria, or the default when the file is absent (or broken: its errors are findings)."""
    if not path.is_file():
        return DEFAULT_CRITERIA
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        findings.append(error(display, 1, "AIMS030", f"cannot read the risk criteria: {exc}"))
        return DEFAULT_CRITERIA
    try:
        data, lines, items, _ = parse_yaml(text.replace("\r\n", "\n"), offset=1)
    except Refused as refused:
        message = refused.message.replace("front matter", "the risk criteria file")
        if refused.code == "AIMS004" and "empty" in refused.message:
            message = "the risk criteria file is empty: remove it to use the default criteria, or fill it in"
        findings.append(error(display, refused.line, "AIMS030", message))
        return DEFAULT_CRITERIA
    try:
        return RiskCriteria.model_validate(data)
    except ValidationError as exc:
        for problem in exc.errors(include_url=False):
            loc = problem.get("loc", ())
            key = str(loc[0]) if loc else ""
            index = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else None
            line = (items.get(key) or [])[index] if index is not None and index < len(items.get(key) or []) else None
            where = ".".join(str(p) for p in loc) or "risk criteria"
            message = problem["msg"].replace("Value error, ", "")
            if problem["type"] == "missing":
                message = "is missing"
            findings.append(error(display, line or lines.get(key, 1), "AIMS030", f"{where}: {message}"))
        return DEFAULT_CRITERIA


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _real_file(path: str, real_dirs: dict[str, str]) -> tuple[str, os.stat_result]:
    """`os.path.realpath` and `os.stat` of it, resolving each folder once per load (the costly part)
    and asking the file itself once when it is not a link."""
    head, tail = os.path.split(os.path.normpath(path))
    real_dir = real_dirs.get(head)
    if real_dir is None:
        real_dir = real_dirs[head] = os.path.realpath(head)
    full = os.path.join(real_dir, tail)
    info = os.lstat(full)
    if stat.S_ISLNK(info.st_mode):
        full = os.path.realpath(full)
        info = os.stat(full)
    return full, info


def _attach(record: Record, file: str, real_root: Path, real_dirs: dict[str, str]) -> None:
    """Resolve an evidence file; keep its size and hash, or the reason it is refused."""
    found = _resolve(record.source, "file", file, real_root, real_dirs, "evidence file")
    if isinstance(found, Attachment):
        record.attachment = found
    else:
        record.attachment_problem = found


def _resolve(
    source: Source, key: str, file: str, real_root: Path, real_dirs: dict[str, str], what: str
) -> Attachment | Finding:
    """A file a record names (under `key`), resolved inside the content folder, or the error refusing it."""
    line = source.line_of(key)
    if os.path.isabs(file) or file.startswith(("/", "\\")) or (len(file) > 1 and file[1] == ":"):
        return error(
            source.display, line, "AIMS015", f"{what} '{file}' is an absolute path; give it relative to this record"
        )
    joined = os.path.join(source.path.parent, file)
    root = str(real_root)
    try:
        target, info = _real_file(joined, real_dirs)
    except (FileNotFoundError, NotADirectoryError):
        target, info = os.path.realpath(joined), None
    except OSError as exc:
        return error(source.display, line, "AIMS014", f"{what} '{file}' cannot be read: {exc.strerror or exc}")
    if not target.startswith(root + os.sep):
        return error(
            source.display, line, "AIMS015", f"{what} '{file}' lies outside the content folder; it was not read"
        )
    if info is None:
        return error(source.display, line, "AIMS014", f"{what} '{file}' does not exist{_nearby(target, file)}")
    if not stat.S_ISREG(info.st_mode) or not os.access(target, os.R_OK):
        return error(source.display, line, "AIMS014", f"{what} '{file}' is not a readable file")
    rel = target[len(root) + 1 :].replace(os.sep, "/")  # inside the root, checked above
    return Attachment(Path(target), rel, info.st_size)


def _nearby(target: str, given: str) -> str:
    """`; did you mean 'files/EV-1.pdf'?` for the file in the same folder nearest a mistyped name, or ''."""
    folder, name = os.path.split(target)
    try:
        names = [entry.name for entry in os.scandir(folder) if entry.is_file() and not entry.name.startswith(".")]
    except OSError:
        return ""
    head = given.replace("\\", "/").rsplit("/", 1)[0] + "/" if "/" in given.replace("\\", "/") else ""
    return did_you_mean(name, names, 0.6, prefix=head)


def _add_attendees(
    record: Record, file: str, real_root: Path, real_dirs: dict[str, str], people: People, findings: list[Finding]
) -> None:
    """A training record's attendance file: its people join `attendees`; unknown ones are errors at their row."""
    found = _resolve(record.source, "attendees_file", file, real_root, real_dirs, "attendance file")
    if not isinstance(found, Attachment):
        findings.append(found)
        return
    record.attachment = found
    display = record.source.display[: len(record.source.display) - len(record.source.rel)] + found.rel
    read = read_attendees(found.path, display, findings)
    if read is None:
        return
    persons, lines = read
    doc = record.doc
    assert isinstance(doc, Training)
    unknown = set(persons) - people.persons.keys() - people.broken if people else set()
    if unknown:
        choices = list(people.persons)
        for person, line in zip(persons, lines, strict=True):
            if person in unknown:
                tip = did_you_mean(person, choices)
                findings.append(error(display, line, "AIMS010", f"'{person}' is not in the people register{tip}"))
    attendees = dict.fromkeys(doc.attendees)
    attendees.update(dict.fromkeys(p for p in persons if p not in unknown) if unknown else dict.fromkeys(persons))
    record.doc = doc.model_copy(update={"attendees": list(attendees)})
