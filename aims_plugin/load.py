"""Read a content folder into a `Register`: every record, where it came from, and
what was wrong with the files that could not be read.

This is the only module that reads content files. Everything it learns from
the file system (evidence file sizes and hashes included) is stored on the
records, so nothing downstream touches the disk again.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import hashlib
import os
import re
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .catalog import Catalog, load_catalog
from .findings import Finding, error, warning
from .history import NOT_READ, History, read_history
from .model import FOLDER_KINDS, MODELS, Audience, Document, Evidence, Kind, accepted_keys

#: IDs become file names and URL parts: letters, digits, dot, dash, underscore.
SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR_TAG = "tag:yaml.org,2002:str"


@functools.lru_cache(maxsize=65536)
def _implicit_tag(value: str, implicit: tuple[bool, bool]) -> str:
    return _BaseLoader.resolve(_RESOLVER, yaml.ScalarNode, value, implicit)


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """The safe loader, with tag resolution of plain scalars memoised.

    Front matters repeat the same keys and values thousands of times, and the
    regex-based resolution is the parser's hottest Python code.
    """

    def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode and implicit[0] and len(value) <= 128:
            return _implicit_tag(value, tuple(implicit))
        return super().resolve(kind, value, implicit)


_RESOLVER = yaml.resolver.Resolver()


_INT_TAG = "tag:yaml.org,2002:int"
_DATE_TAG = "tag:yaml.org,2002:timestamp"


def _construct(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    """`construct_object(deep=True)` with fast paths for text, plain integers, dates and lists."""
    if isinstance(node, yaml.ScalarNode):
        tag, value = node.tag, node.value
        if tag == _STR_TAG:
            return value
        if tag == _INT_TAG and value.isdigit() and (value == "0" or value[0] != "0"):
            return int(value)  # 0-prefixed (octal) and signed forms go the long way
        if tag == _DATE_TAG and len(value) == 10:
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass  # the constructor gives YAML's own error
        return loader.construct_object(node)
    if isinstance(node, yaml.SequenceNode) and node.tag == "tag:yaml.org,2002:seq":
        return [_construct(loader, child) for child in node.value]
    return loader.construct_object(node, deep=True)


#: Files larger than this are refused (a located error, never a hang).
MAX_FILE_BYTES = 2 * 1024 * 1024
#: YAML nodes a front matter may expand to once aliases are followed.
MAX_NODES = 20_000
MAX_DEPTH = 64


@dataclass(frozen=True)
class Attachment:
    """An evidence file, resolved and checked by the loader.

    The hash is read on first use, once: `aims check` only needs to know the
    file is there, while the site and the pack need its SHA-256.
    """

    path: Path
    rel: str  # posix path relative to the content folder
    size: int

    @functools.cached_property
    def sha256(self) -> str:
        digest = hashlib.sha256()
        with open(self.path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest()


@dataclass
class Source:
    """Where a record came from, to the line."""

    path: Path
    display: str  # the path shown in findings (relative to the project root)
    rel: str  # posix path relative to the content folder
    lines: dict[str, int] = field(default_factory=dict)
    item_lines: dict[str, list[int]] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1
    sha256: str = ""  # of the file's bytes, for the pack's manifest

    def line_of(self, key: str, index: int | None = None) -> int:
        if index is not None:
            items = self.item_lines.get(key, [])
            if index < len(items):
                return items[index]
        return self.lines.get(key, 1)


@dataclass
class Record:
    doc: Document
    source: Source
    attachment: Attachment | None = None
    attachment_problem: Finding | None = None

    @property
    def id(self) -> str:
        return self.doc.id

    @property
    def kind(self) -> Kind:
        assert self.doc.kind is not None
        return self.doc.kind


@dataclass
class Register:
    """Every record of one AIMS, indexed; the single input of checks and reports."""

    content_dir: Path
    catalog: Catalog
    records: list[Record]
    findings: list[Finding]
    #: The content folder as findings show it (relative to the project root).
    display_dir: str = "content"
    #: IDs declared by files that failed validation: references to them are
    #: not reported again as unknown.
    broken_ids: set[str] = field(default_factory=set)
    #: Other frameworks enabled for this AIMS (NIST AI RMF, EU AI Act), by ID.
    frameworks: dict[str, Catalog] = field(default_factory=dict)
    #: Revision history of the content files (empty, with a notice, outside git).
    history: History = field(default_factory=History)
    #: IDs (and catalogue IDs of write-ups) that exist but are hidden from this view's audience.
    withheld: set[str] = field(default_factory=set)
    by_id: dict[str, Record] = field(init=False)

    def __post_init__(self) -> None:
        self.by_id = {}
        self._by_kind: dict[Kind, list[Record]] = {kind: [] for kind in Kind}
        for record in self.records:
            self.by_id.setdefault(record.id, record)
            self._by_kind[record.kind].append(record)

    def of_kind(self, kind: Kind) -> list[Record]:
        return list(self._by_kind[kind])

    def visible_to(self, audience: Audience) -> Register:
        """The records a build for `audience` may publish, and nothing else.

        Reports run on this view, so a hidden record cannot reach a page, a
        row, a count or a link. Records whose IDs are unsafe or taken by an
        earlier file are dropped too (their files have errors already).
        """
        kept: list[Record] = []
        withheld: set[str] = set()
        seen: set[str] = set()
        for record in sorted(self.records, key=lambda r: r.source.rel):
            if not SAFE_ID.fullmatch(record.id) or ".." in record.id or record.id in seen:
                continue
            seen.add(record.id)
            if audience.may_see(record.doc.classification):
                kept.append(record)
            else:
                withheld.add(record.id)
                if topic := getattr(record.doc, "control", None) or getattr(record.doc, "clause", None):
                    withheld.add(topic)
        kept_ids = {id(r) for r in kept}
        return Register(
            content_dir=self.content_dir,
            catalog=self.catalog,
            records=[r for r in self.records if id(r) in kept_ids],
            findings=[],
            display_dir=self.display_dir,
            history=self.history,
            frameworks=self.frameworks,
            withheld=withheld,
        )


def load(
    content_dir: Path,
    *,
    display_root: Path | None = None,
    catalog: Catalog | None = None,
    history: bool = True,
    frameworks: Sequence[str] = (),
) -> Register:
    """Read every `.md` file under `content_dir` into a register (with its git history)."""
    content_dir = Path(content_dir)
    real_root = Path(os.path.realpath(content_dir))
    display_root = Path(display_root) if display_root is not None else content_dir.parent
    prefix = _display(content_dir, display_root)
    files = list(_markdown_files(content_dir))
    records, findings, broken = _read_all(files, prefix, real_root)
    catalog = catalog or load_catalog()
    order = {kind: index for index, kind in enumerate(Kind)}
    position = {req_id: index for index, req_id in enumerate(catalog.requirements)}

    def sort_key(record: Record) -> tuple[int, int, str]:
        # Controls and clauses in the standard's order; everything else by path.
        topic = getattr(record.doc, "control", None) or getattr(record.doc, "clause", None)
        return order[record.kind], position.get(topic, len(position)), record.source.rel

    records.sort(key=sort_key)
    return Register(
        content_dir=content_dir,
        catalog=catalog,
        records=records,
        findings=findings,
        display_dir=prefix,
        broken_ids=broken,
        history=read_history(content_dir) if history else History(notice=NOT_READ),
        frameworks={name: load_catalog(name) for name in frameworks},
    )


def _read_all(
    files: list[tuple[Path, str]], prefix: str, real_root: Path
) -> tuple[list[Record], list[Finding], set[str]]:
    """Read every file into records, in path order.

    Parsing in forked workers was measured and rejected: unpickling the parsed
    data in the parent costs what the second core saves (10,000 files: 3.4 s
    either way on two cores).
    """
    records: list[Record] = []
    findings: list[Finding] = []
    broken: set[str] = set()
    real_dirs: dict[str, str] = {}  # folder -> its real path, for this load only
    for path, rel in files:
        parsed = _parse_file(path, rel, f"{prefix}/{rel}", real_root, findings)
        if parsed is not None and (record := _build_record(*parsed, real_root, real_dirs, findings, broken)):
            records.append(record)
    return records, findings, broken


def _display(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _markdown_files(content_dir: Path) -> Iterator[tuple[Path, str]]:
    """Every `.md` file with its posix path relative to the folder, sorted."""
    top = str(content_dir)
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        rel_dir = os.path.relpath(dirpath, top).replace(os.sep, "/")
        for name in sorted(filenames):
            if name.endswith(".md") and not name.startswith("."):
                rel = name if rel_dir == "." else f"{rel_dir}/{name}"
                yield Path(dirpath, name), rel


#: A file read and parsed: its source and its front matter as plain data.
Parsed = tuple[Source, dict[str, Any]]


def _parse_file(path: Path, rel: str, display: str, real_root: Path, findings: list[Finding]) -> Parsed | None:
    """Read, decode and parse one file (the CPU-heavy part, safe to run in a worker)."""

    def fail(line: int, code: str, message: str) -> None:
        findings.append(error(display, line, code, message))

    # os.walk does not follow linked folders, so only the file itself can be a link.
    if os.path.islink(path) and not _inside(Path(os.path.realpath(path)), real_root):
        fail(1, "AIMS015", "this file is a link to a place outside the content folder; it was not read")
        return None
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        fail(1, "AIMS001", f"cannot read the file: {exc.strerror or exc}")
        return None
    if len(raw) > MAX_FILE_BYTES:
        fail(1, "AIMS005", f"file is larger than {MAX_FILE_BYTES // 1024} KiB")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        fail(line, "AIMS001", f"file is not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})")
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")

    split = _split_front_matter(text)
    if isinstance(split, str):
        fail(1, "AIMS002", split)
        return None
    fm_text, body, body_line = split

    try:
        data, source_lines, item_lines, duplicates = _parse_yaml(fm_text)
    except _Refused as refused:
        fail(refused.line, refused.code, refused.message)
        return None
    source = Source(path, display, rel, source_lines, item_lines, body, body_line, hashlib.sha256(raw).hexdigest())
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

    allowed = accepted_keys(kind)
    for key in data:
        if key not in allowed:
            hint = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.75)
            tip = f"; did you mean '{hint[0]}'?" if hint else ""
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
    return record


def _split_front_matter(text: str) -> tuple[str, str, int] | str:
    if not text.strip():
        return "file is empty; a document starts with a '---' line and YAML front matter"
    first_end = text.find("\n")
    if text[: first_end if first_end >= 0 else len(text)].rstrip() != "---":
        return "no front matter: the file must start with a '---' line"
    close = _CLOSING.search(text, first_end + 1)
    if close is None:
        return "front matter is not closed: no second '---' line"
    front = text[first_end + 1 : close.start()]
    body = text[close.end() + 1 :]
    closing_line = text.count("\n", 0, close.start()) + 1
    return front.removesuffix("\n"), body, closing_line + 1


_CLOSING = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)


#: Front matter starts on the file's second line.
_OFFSET = 2


class _Refused(Exception):
    def __init__(self, line: int, code: str, message: str) -> None:
        super().__init__(message)
        self.line, self.code, self.message = line, code, message


def _parse_yaml(
    fm_text: str,
) -> tuple[dict[str, Any], dict[str, int], dict[str, list[int]], list[tuple[str, int]]]:
    """Parse front matter, keeping each key's line; a refusal raises `_Refused`."""
    loader = _Loader(fm_text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + _OFFSET if mark else _OFFSET
            problem = exc.problem or exc.context or "syntax error"
            raise _Refused(line, "AIMS003", f"front matter is not valid YAML: {problem}") from None
        except yaml.reader.ReaderError as exc:  # a character YAML does not allow (NUL, controls)
            line = fm_text.count("\n", 0, max(exc.position, 0)) + _OFFSET
            raise _Refused(
                line, "AIMS003", f"front matter has a character YAML does not allow ({exc.reason})"
            ) from None
        except yaml.YAMLError as exc:
            message = str(exc).splitlines()[0]
            raise _Refused(_OFFSET, "AIMS003", f"front matter is not valid YAML: {message}") from None
        except RecursionError:
            raise _Refused(_OFFSET, "AIMS005", "front matter is nested too deeply") from None
        if node is None:
            raise _Refused(1, "AIMS004", "front matter is empty; it needs at least 'id' and 'title'")
        if not isinstance(node, yaml.MappingNode):
            raise _Refused(
                node.start_mark.line + _OFFSET, "AIMS004", "front matter must be a mapping of keys to values"
            )
        # Without anchors there is nothing to expand; only bound the rest.
        if ("&" in fm_text or len(fm_text) > 65536) and not _bounded(node):
            raise _Refused(
                node.start_mark.line + _OFFSET,
                "AIMS005",
                f"front matter expands to more than {MAX_NODES} values or {MAX_DEPTH} levels (YAML aliases?)",
            )
        try:
            if "<<" in fm_text:
                loader.flatten_mapping(node)  # resolve `<<` merge keys first
        except yaml.YAMLError as exc:
            raise _Refused(
                node.start_mark.line + _OFFSET, "AIMS003", f"front matter is not valid YAML: {exc}"
            ) from None
        data: dict[str, Any] = {}
        lines: dict[str, int] = {}
        items: dict[str, list[int]] = {}
        duplicates: list[tuple[str, int]] = []
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + _OFFSET
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                raise _Refused(line, "AIMS004", "a front-matter key must be plain text")
            key = key_node.value
            if key in lines:
                duplicates.append((key, line))
            lines[key] = line
            if isinstance(value_node, yaml.SequenceNode):
                items[key] = [item.start_mark.line + _OFFSET for item in value_node.value]
            try:
                data[key] = _construct(loader, value_node)
            except RecursionError:
                raise _Refused(value_node.start_mark.line + _OFFSET, "AIMS005", f"{key}: nested too deeply") from None
            except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
                problem = getattr(exc, "problem", None) or str(exc)
                raise _Refused(
                    value_node.start_mark.line + _OFFSET, "AIMS003", f"{key}: YAML cannot read this value: {problem}"
                ) from None
        return data, lines, items, duplicates
    finally:
        loader.dispose()


def _bounded(root: yaml.Node) -> bool:
    """True when the node graph, aliases followed, stays small and shallow."""
    budget = MAX_NODES
    stack: list[tuple[yaml.Node, int]] = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        budget -= 1
        if budget < 0 or depth > MAX_DEPTH:
            return False
        if isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.append((key, depth + 1))
                stack.append((value, depth + 1))
    return True


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
    if problem["type"] == "missing":
        message = f"required key '{key}' is missing for a {kind.value}"
        line = 1
    else:
        got = problem.get("input")
        shown = repr(got) if not isinstance(got, dict | list) else type(got).__name__
        if len(shown) > 60:
            shown = shown[:57] + "..."
        message = f"{where}: {problem['msg'].replace('Value error, ', '')} (got {shown})"
        line = source.line_of(key, index)
    return error(source.display, line, "AIMS006", message)


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _real_file(path: str, real_dirs: dict[str, str]) -> str:
    """`os.path.realpath`, resolving each folder once per load (the costly part)."""
    head, tail = os.path.split(os.path.normpath(path))
    real_dir = real_dirs.get(head)
    if real_dir is None:
        real_dir = real_dirs[head] = os.path.realpath(head)
    full = os.path.join(real_dir, tail)
    return os.path.realpath(full) if os.path.islink(full) else full


def _attach(record: Record, file: str, real_root: Path, real_dirs: dict[str, str]) -> None:
    """Resolve an evidence file; keep its size and hash, or the reason it is refused."""
    source = record.source
    line = source.line_of("file")
    if os.path.isabs(file) or file.startswith(("/", "\\")) or (len(file) > 1 and file[1] == ":"):
        record.attachment_problem = error(
            source.display,
            line,
            "AIMS015",
            f"evidence file '{file}' is an absolute path; give it relative to this record",
        )
        return
    target = _real_file(os.path.join(source.path.parent, file), real_dirs)
    root = str(real_root)
    if not target.startswith(root + os.sep):
        record.attachment_problem = error(
            source.display, line, "AIMS015", f"evidence file '{file}' lies outside the content folder; it was not read"
        )
        return
    try:
        info = os.stat(target)
    except (FileNotFoundError, NotADirectoryError):
        record.attachment_problem = error(source.display, line, "AIMS014", f"evidence file '{file}' does not exist")
        return
    except OSError as exc:
        record.attachment_problem = error(
            source.display, line, "AIMS014", f"evidence file '{file}' cannot be read: {exc.strerror or exc}"
        )
        return
    if not stat.S_ISREG(info.st_mode) or not os.access(target, os.R_OK):
        record.attachment_problem = error(
            source.display, line, "AIMS014", f"evidence file '{file}' is not a readable file"
        )
        return
    rel = os.path.relpath(target, root).replace(os.sep, "/")
    record.attachment = Attachment(Path(target), rel, info.st_size)
