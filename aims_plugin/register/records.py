"""The register: every record of one AIMS, where each came from, indexed by ID and kind,
and the view of it that one audience may see.

Later stages (checks, reports, outputs) read only this; none of them reads a file.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel

from ..catalog import Catalog, Crosswalk
from ..files.history import History, Revision
from ..files.reading import file_sha256
from ..model import Action, Audience, Document, Kind, Status, name_fields, spec_of
from ..model.criteria import DEFAULT_CRITERIA, RiskCriteria
from .findings import Finding
from .people import People

if TYPE_CHECKING:
    from ..files.results import Measurement

#: IDs become file names and URL parts: letters, digits, dot, dash, underscore.
SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")

_KINDS = {kind.value: kind for kind in Kind}


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
        return file_sha256(self.path)


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
    size: int = 0  # of the file, in bytes
    #: The body is not written yet: it carries the placeholder marker, or nothing beyond headings.
    placeholder: bool = False

    def line_of(self, key: str, index: int | None = None) -> int:
        if index is not None:
            items = self.item_lines.get(key, [])
            if index < len(items):
                return items[index]
        return self.lines.get(key, 1)


class Standing(StrEnum):
    """How far a document has got: its status, except that an unwritten one is a placeholder."""

    placeholder = "placeholder"
    draft = "draft"
    in_review = "in_review"
    approved = "approved"
    retired = "retired"


@dataclass
class Record:
    doc: Document
    source: Source
    attachment: Attachment | None = None
    attachment_problem: Finding | None = None
    #: Measured evidence: its results file against its expectations (read by the loader).
    measurement: Measurement | None = None
    #: Measured evidence: the committed versions of its results file, oldest first, as (commit day, bytes).
    result_versions: list[tuple[dt.date, bytes]] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.doc.id

    @property
    def kind(self) -> Kind:
        assert self.doc.kind is not None
        return _KINDS[self.doc.kind]

    @property
    def standing(self) -> Standing:
        status = self.doc.status
        if self.source.placeholder and status != Status.retired:
            return Standing.placeholder
        return Standing(status.value)

    @property
    def done(self) -> bool:
        """The one rule of every count: only a written document, approved by someone on a date, counts as done."""
        doc = self.doc
        return self.standing == Standing.approved and bool(doc.approved_by) and doc.approved_on is not None

    @functools.cached_property
    def series(self) -> dict[tuple[int, str | None], list[tuple[dt.date, float]]]:
        """Its measured values over the results file's history, oldest first: (index of the expectation,
        group) -> [(day, value)].

        Worked out when first shown (the site and the pack), from the versions the loader read.
        """
        from ..files.results import record_series

        return record_series(self)

    @property
    def topic(self) -> str:
        """The key of its page and anchors: the control or clause it writes up, else its ID."""
        name = spec_of(self.doc.kind or "").topic
        return getattr(self.doc, name) if name else self.doc.id


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
    #: The crosswalk from the catalogue to each of them (read with them, by the loader).
    crosswalks: dict[str, Crosswalk] = field(default_factory=dict)
    #: The project's own catalogues and crosswalks (imported frameworks), if any.
    catalog_dir: Path | None = None
    #: Revision history of the content files (empty, with a notice, outside git).
    history: History = field(default_factory=History)
    #: IDs (and catalogue IDs of write-ups) that exist but are hidden from this view's audience.
    withheld: set[str] = field(default_factory=set)
    #: Kinds of which at least one record is hidden from this view's audience.
    withheld_kinds: set[str] = field(default_factory=set)
    #: The organisation's risk criteria (`risk_criteria.yaml`, or the default).
    criteria: RiskCriteria = DEFAULT_CRITERIA
    #: How long evidence without `expires` stays current after `collected_on`.
    shelf_life: str = "12 months"
    #: Evidence expiring within this many days is an open item.
    expiry_window: int = 60
    #: How a self-approval is reported: "warning" or "error".
    self_approval: str = "warning"
    #: How a failed expectation of measured evidence is reported: "warning" or "error".
    failed_expectation: str = "warning"
    #: The people register and the acknowledgements (empty when the AIMS has none).
    people: People = field(default_factory=People)
    #: People's names may be shown (not in a build for the public: there, their roles stand for them).
    show_names: bool = True
    #: Share of the people who must acknowledge a document's current version that should have (per cent),
    #: and the days after its `effective` date (or a person's `joined`) before the share is checked.
    acknowledgement_target: float = 95.0
    acknowledgement_grace: int = 30
    #: Rows of acknowledgements/acknowledgements.csv must be committed by the person they name.
    committed_acknowledgements: bool = False
    by_id: dict[str, Record] = field(init=False)

    def __post_init__(self) -> None:
        self.by_id = {}
        self._by_kind: dict[Kind, list[Record]] = {kind: [] for kind in Kind}
        for record in self.records:
            self.by_id.setdefault(record.id, record)
            self._by_kind[record.kind].append(record)

    def of_kind(self, kind: Kind) -> list[Record]:
        return list(self._by_kind[kind])

    def named(self, value: str) -> str:
        """The name a person's ID, name or e-mail stands for in the people register (else the value)."""
        person = self.people.find(value) if self.people else None
        return person.name if person is not None else value

    def visible_to(self, audience: Audience) -> Register:
        """The records a build for `audience` may publish, and nothing else.

        Reports run on this view, so a hidden record cannot reach a page, a
        row, a count or a link. Records whose IDs are unsafe or taken by an
        earlier file are dropped too (their files have errors already).
        """
        kept: list[Record] = []
        withheld: set[str] = set()
        withheld_kinds: set[str] = set()
        seen: set[str] = set()
        for record in sorted(self.records, key=lambda r: r.source.rel):
            if not SAFE_ID.fullmatch(record.id) or ".." in record.id or record.id in seen:
                continue
            seen.add(record.id)
            if audience.may_see(record.doc.classification):
                kept.append(record)
            else:
                withheld.add(record.id)
                withheld.add(record.topic)
                withheld_kinds.add(record.kind.value)
        kept_ids = {id(r) for r in kept}
        records = [r for r in self.records if id(r) in kept_ids]
        history, show_names = self.history, audience != Audience.public
        if self.people:
            # A person named by ID reads as their name; the public sees their role instead.
            names = ShownNames(self.people, {r.id: r.doc.title for r in records if r.kind == "role"}, show_names)
            records = [names.record(r) for r in records]
            if not show_names:
                history = names.history(history)
        return Register(
            content_dir=self.content_dir,
            catalog=self.catalog,
            records=records,
            findings=[],
            display_dir=self.display_dir,
            history=history,
            frameworks=self.frameworks,
            crosswalks=self.crosswalks,
            catalog_dir=self.catalog_dir,
            withheld=withheld,
            withheld_kinds=withheld_kinds,
            criteria=self.criteria,
            shelf_life=self.shelf_life,
            expiry_window=self.expiry_window,
            self_approval=self.self_approval,
            failed_expectation=self.failed_expectation,
            people=self.people,
            show_names=show_names,
            acknowledgement_target=self.acknowledgement_target,
            acknowledgement_grace=self.acknowledgement_grace,
        )


#: What a build for the public shows for a person who holds no role.
WITHHELD_NAME = "name withheld"


class ShownNames:
    """How the people register's people are named in a view: a person's ID reads as their name; in
    a build for the public, every person named (by ID, name or e-mail) reads as their first role."""

    def __init__(self, people: People, role_titles: dict[str, str], show_names: bool) -> None:
        self.people = people
        self.role_titles = role_titles
        self.show_names = show_names

    def name(self, value: str) -> str:
        if self.show_names:
            by_id = self.people.persons.get(value)
            return by_id.name if by_id is not None else value
        person = self.people.find(value)
        if person is None:
            return value
        titles = [self.role_titles[r] for r in person.roles if r in self.role_titles]
        return titles[0] if titles else WITHHELD_NAME

    def _fields(self, model: BaseModel, names: tuple[str, ...]) -> dict[str, object]:
        update: dict[str, object] = {}
        for key in names:
            if key in ("holders", "attendees"):
                continue  # IDs the reports look people up by; pages show them as counts or names
            value = getattr(model, key)
            if isinstance(value, str):
                update[key] = self.name(value)
            elif isinstance(value, list) and value:
                shown = [self.name(item) for item in value]
                update[key] = list(dict.fromkeys(shown))
        return update

    def record(self, record: Record) -> Record:
        doc = record.doc
        update = self._fields(doc, name_fields(type(doc)))
        actions = getattr(doc, "actions", None)
        if actions:
            keys = name_fields(Action)
            update["actions"] = [a.model_copy(update=self._fields(a, keys)) for a in actions]
        if not any(update.get(key) != getattr(doc, key) for key in update):
            return record
        return dataclasses.replace(record, doc=doc.model_copy(update=update))

    def history(self, history: History) -> History:
        def revision(rev: Revision) -> Revision:
            person = self.people.find(rev.email) or self.people.find(rev.author)
            shown = self.name(person.id) if person else rev.author
            approvers = tuple(self.name(name) for name in rev.approved_by)
            return dataclasses.replace(rev, author=shown, email="" if person else rev.email, approved_by=approvers)

        return dataclasses.replace(
            history,
            revisions={rel: [revision(r) for r in revs] for rel, revs in history.revisions.items()},
            approvals={rel: [revision(r) for r in revs] for rel, revs in history.approvals.items()},
            head=revision(history.head) if history.head else None,
        )
