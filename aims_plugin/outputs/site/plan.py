"""The site as data: which pages exist, where every record lands, and their Markdown.

Host-agnostic: it returns (path, content) pairs and a nav tree; the MkDocs
adapter turns them into files. A record is a page of its own unless its kind
is a register (risks, evidence), whose records are anchored rows on paginated
register pages, so an AIMS of thousands of records stays a few hundred pages.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import posixpath
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...model.crossref import expand_refs
from ...register.records import Record, Register
from ...model import KIND_TITLES, Clause, Control, Document, Kind, Ref, ref_fields
from ...reports.changes import ChangeReport
from ...reports.coverage import clause_coverage, control_coverage
from ...reports.frameworks import framework_coverage
from ...register.links import Links
from ...reports.readiness import readiness
from ...reports.registers import evidence_index, heat_map, inventory, risk_register
from ...present import charts
from ...present.templates import demote_headings, link_helpers, md_escape, render, yaml_title
from ..exports import soa_csv, soa_json

#: Kinds whose records get a page each, and the folder of those pages.
PAGE_FOLDERS: dict[Kind, str] = {
    Kind.policy: "policies",
    Kind.procedure: "procedures",
    Kind.control: "controls",
    Kind.clause: "clauses",
    Kind.system: "systems",
    Kind.impact_assessment: "assessments",
    Kind.audit: "audits",
    Kind.management_review: "reviews",
    Kind.incident: "incidents",
    Kind.nonconformity: "nonconformities",
}
#: Kinds shown as rows of a paginated register instead.
REGISTER_FOLDERS: dict[Kind, str] = {Kind.risk: "risk-register", Kind.evidence: "evidence-index"}


#: The stable URLs of the generated views (a contract: links point here).
SOA = "statement-of-applicability.md"
READINESS = "readiness.md"
COVERAGE = "coverage.md"
INVENTORY = "ai-systems.md"
CHANGES = "changes.md"

#: In the nav, a kind lists its documents one by one up to this many.
NAV_LIMIT = 50

COMMON_FIELDS = frozenset(Document.model_fields) | {"title", "body"}


@dataclass(frozen=True)
class SiteOptions:
    organisation: str = ""
    scope: str = ""
    audience: str = "internal"
    use_directory_urls: bool = True
    page_size: int = 200
    nav_section: str = "AI management system"
    changes_since: str = ""


@dataclass
class Output:
    """One file of the site: a Markdown page or a download."""

    src_uri: str
    content: str | None = None
    source_file: Path | None = None


@dataclass
class Unresolved:
    """A `[[ID]]` that names nothing this build can link to."""

    where: str
    line: int
    ref: str


@dataclass
class NavItem:
    title: str
    src_uri: str | None = None
    children: list[NavItem] = field(default_factory=list)


@functools.lru_cache(maxsize=65536)
def page_url(src_uri: str, use_directory_urls: bool) -> str:
    """The URL MkDocs gives a Markdown file (relative to the site root)."""
    stem, ext = posixpath.splitext(src_uri)
    if ext != ".md":
        return src_uri
    if not use_directory_urls:
        return stem + ".html"
    if posixpath.basename(stem) == "index":
        stem = posixpath.dirname(stem)
        return f"{stem}/" if stem else ""
    return f"{stem}/"


def relative_url(target: str, base: str) -> str:
    """`target` as seen from the page at `base` (both site-relative URLs, no leading slash)."""
    base_parts = base.split("/")[:-1]  # the folder the base page is in
    target_parts = target.split("/")
    common = 0
    while common < min(len(base_parts), len(target_parts) - 1) and base_parts[common] == target_parts[common]:
        common += 1
    rel = "/".join([".."] * (len(base_parts) - common) + target_parts[common:])
    return rel or "./"


class SitePlan:
    """Everything one site build publishes, computed once from an audience's view."""

    def __init__(
        self, view: Register, today: dt.date, options: SiteOptions, changes: ChangeReport | str | None = None
    ) -> None:
        """`changes`: the report since the baseline, or why there is none (a sentence)."""
        self.changes = changes
        self.view = view
        self.today = today
        self.options = options
        self.catalog = view.catalog
        self.links = Links(view)
        self.readiness = readiness(view, today, self.links)
        self.soa = self.readiness.soa
        self.risks = risk_register(view, self.links)
        self.evidence = evidence_index(view, today)
        self.systems = inventory(view, self.links)
        self.unresolved: list[Unresolved] = []
        self.targets: dict[str, tuple[str, str | None]] = {}
        self._hrefs: dict[tuple[str, str], str | None] = {}
        self.maps = (heat_map(self.risks, residual=False), heat_map(self.risks, residual=True))
        self.titles: dict[str, str] = {}
        self._plan_targets()

    # -- where things land -------------------------------------------------

    def _plan_targets(self) -> None:
        for req in self.catalog.controls:
            self._target(req.id, f"controls/{req.id}.md", None, req.title)
        for req in self.catalog.subclauses:
            self._target(req.id, f"clauses/{req.id}.md", None, req.title)
        for kind, folder in PAGE_FOLDERS.items():
            for record in self.view.of_kind(kind):
                key = self.page_key(record)
                self._target(record.id, f"{folder}/{key}.md", None, record.doc.title or self._catalog_title(key))
                if key != record.id:
                    self.targets[key] = self.targets[record.id]
        for kind, folder in REGISTER_FOLDERS.items():
            for index, record in enumerate(self.view.of_kind(kind)):
                self._target(
                    record.id,
                    self._register_page(folder, index // self.options.page_size),
                    record.id,
                    record.doc.title or record.id,
                )
        # Third-level clause IDs without a write-up link to their subclause's page.
        for req in self.catalog.of_type("subclause"):
            if req.id not in self.targets and (sub := self.catalog.subclause_of(req.id)):
                self.targets[req.id] = self.targets[sub]
                self.titles[req.id] = req.title

    def _target(self, key: str, src_uri: str, anchor: str | None, title: str) -> None:
        self.targets[key] = (src_uri, anchor)
        self.titles[key] = title

    def _catalog_title(self, key: str) -> str:
        req = self.catalog.requirements.get(key)
        return req.title if req else key

    @staticmethod
    def page_key(record: Record) -> str:
        doc = record.doc
        if isinstance(doc, Control):
            return doc.control
        if isinstance(doc, Clause):
            return doc.clause
        return record.id

    @staticmethod
    def _register_page(folder: str, number: int) -> str:
        return f"{folder}/index.md" if number == 0 else f"{folder}/{number + 1}.md"

    def href(self, key: str, from_src: str) -> str | None:
        """URL of a record or catalogue ID as seen from the page `from_src`."""
        memo = (key, from_src)
        if memo not in self._hrefs:
            self._hrefs[memo] = self._href(key, from_src)
        return self._hrefs[memo]

    def _href(self, key: str, from_src: str) -> str | None:
        found = self.targets.get(key.removeprefix(f"{self.catalog.id}:"))
        if found is None:
            return None
        src, anchor = found
        url = relative_url(
            page_url(src, self.options.use_directory_urls), page_url(from_src, self.options.use_directory_urls)
        )
        return f"{url}#{anchor}" if anchor else url

    def md_href(self, key: str, from_src: str) -> str | None:
        """A Markdown link target (a .md path MkDocs can check) for `key`."""
        found = self.targets.get(key.removeprefix(f"{self.catalog.id}:"))
        if found is None:
            return None
        src, anchor = found
        rel = posixpath.relpath(src, posixpath.dirname(from_src) or ".")
        return f"{rel}#{anchor}" if anchor else rel

    def label(self, key: str) -> str:
        key = key.removeprefix(f"{self.catalog.id}:")
        return self.titles.get(key, key)

    # -- cross-references in Markdown ---------------------------------------

    def expand_refs(self, markdown: str, from_src: str, where: str, first_line: int) -> str:
        """Turn `[[ID]]` and `[[ID|text]]` into links; note the ones that resolve to nothing."""

        def resolve(ref: str) -> tuple[str, str] | None:
            target = self.md_href(ref, from_src)
            return (target, f"{ref.removeprefix(self.catalog.id + ':')} {self.label(ref)}") if target else None

        def unknown(ref: str, line: int) -> None:
            if not self._withheld(ref):
                self.unresolved.append(Unresolved(where, first_line + line, ref))

        return expand_refs(markdown, resolve, unknown, md_escape)

    def _withheld(self, ref: str) -> bool:
        # Known to exist but hidden from this audience: shown as plain text, not a warning.
        return ref in self.view.withheld

    # -- the outputs --------------------------------------------------------

    def outputs(self) -> Iterator[Output]:
        yield from self._views()
        for kind in PAGE_FOLDERS:
            yield from self._document_pages(kind)
        yield from self._register_pages(Kind.risk)
        yield from self._register_pages(Kind.evidence)
        for row in self.evidence:
            if row.record.attachment is not None:
                yield Output(self.evidence_file_uri(row.record), source_file=row.record.attachment.path)

    def evidence_file_uri(self, record: Record) -> str:
        assert record.attachment is not None
        return f"evidence-files/{record.attachment.rel}"

    def _page(self, src_uri: str, title: str, *blocks: str) -> Output:
        text = f"---\ntitle: {yaml_title(title)}\n---\n\n" + "\n\n".join(b for b in blocks if b) + "\n"
        return Output(src_uri, content=text)

    def _ctx(self, src: str) -> dict[str, Any]:
        return {
            **link_helpers(lambda key: self.href(key, src), self.label),
            "href": lambda key: self.href(key, src),
            "url": lambda target: relative_url(
                page_url(target, self.options.use_directory_urls), page_url(src, self.options.use_directory_urls)
            ),
            "label": self.label,
            "today": self.today,
            "options": self.options,
            "catalog": self.catalog,
            "pack": False,
            "prefix": "",
            "anchor": lambda record: record.id,
            "soa_anchor": lambda control: control,
        }

    def _views(self) -> Iterator[Output]:
        r = self.readiness
        yield self._page(
            READINESS,
            "Readiness dashboard",
            render("readiness.html", r=r, charts=charts, **self._ctx(READINESS)),
        )
        yield self._page(
            SOA,
            "Statement of Applicability",
            render("soa.html", rows=self.soa, r=r, **self._ctx(SOA)),
        )
        yield Output(SOA.replace(".md", ".csv"), content=soa_csv(self.soa))
        opts = self.options
        json_text = soa_json(self.soa, opts.organisation, opts.scope, opts.audience)
        yield Output(SOA.replace(".md", ".json"), content=json_text)
        yield self._page(
            COVERAGE,
            "Coverage",
            render(
                "coverage.html",
                clauses=clause_coverage(self.view),
                controls=control_coverage(self.soa),
                **self._ctx(COVERAGE),
            ),
        )
        for framework in self.view.frameworks:
            src = f"frameworks/{framework}.md"
            cov = framework_coverage(self.view, framework, self.soa, self.links)
            yield self._page(src, f"{cov.catalog.title} coverage", render("framework.html", cov=cov, **self._ctx(src)))
        if self.changes is not None:
            title = f"Changes since {self.options.changes_since}"
            if isinstance(self.changes, str):
                block = f'<p class="aims-gap">{html.escape(self.changes)}</p>'
            else:
                block = render("changes.html", report=self.changes, kind_titles=KIND_TITLES, **self._ctx(CHANGES))
            yield self._page(CHANGES, title, block)
        yield self._page(
            INVENTORY, "AI system inventory", render("inventory.html", rows=self.systems, **self._ctx(INVENTORY))
        )
        for kind in (
            Kind.policy,
            Kind.procedure,
            Kind.impact_assessment,
            Kind.audit,
            Kind.management_review,
            Kind.incident,
            Kind.nonconformity,
        ):
            src = f"{PAGE_FOLDERS[kind]}/index.md"
            yield self._page(
                src,
                KIND_TITLES[kind],
                render("kind_index.html", kind=kind, records=self.view.of_kind(kind), **self._ctx(src)),
            )

    def _document_pages(self, kind: Kind) -> Iterator[Output]:
        folder = PAGE_FOLDERS[kind]
        written = {self.page_key(r): r for r in self.view.of_kind(kind)}
        for key, record in written.items():
            src = f"{folder}/{key}.md"
            body = self.expand_refs(record.source.body, src, record.source.display, record.source.body_line)
            yield self._page(
                src,
                f"{key} {self.label(key)}"
                if kind in (Kind.control, Kind.clause)
                else f"{record.id} {record.doc.title}",
                render(
                    "panel.html",
                    record=record,
                    facts=self.facts(record, src),
                    overdue=self._overdue(record),
                    **self._ctx(src),
                ),
                self._requirement_block(key, src) if kind in (Kind.control, Kind.clause) else "",
                body.strip(),
                render("related.html", groups=self.related(record), **self._ctx(src)),
            )
        if kind == Kind.control:
            yield from self._stub_pages("controls", [c.id for c in self.catalog.controls if c.id not in written])
        if kind == Kind.clause:
            yield from self._stub_pages("clauses", [s.id for s in self.catalog.subclauses if s.id not in written])

    def _stub_pages(self, folder: str, keys: list[str]) -> Iterator[Output]:
        for key in keys:
            src = f"{folder}/{key}.md"
            withheld = key in self.view.withheld
            related = (
                [("Covered by", self.links.incoming(key))]
                if folder == "clauses"
                else [("Named by", self.links.incoming(key))]
            )
            yield self._page(
                src,
                f"{key} {self.label(key)}",
                render("stub.html", key=key, withheld=withheld, **self._ctx(src)),
                self._requirement_block(key, src),
                render("related.html", groups=[(t, rs) for t, rs in related if rs], **self._ctx(src)),
            )

    def _requirement_block(self, key: str, src: str) -> str:
        req = self.catalog.requirements.get(key)
        return render("requirement.html", req=req, **self._ctx(src)) if req else ""

    def _register_pages(self, kind: Kind) -> Iterator[Output]:
        folder = REGISTER_FOLDERS[kind]
        rows: list[Any] = self.risks if kind == Kind.risk else self.evidence
        size = self.options.page_size
        pages = max(1, -(-len(rows) // size))
        for number in range(pages):
            src = self._register_page(folder, number)
            chunk = rows[number * size : (number + 1) * size]
            entries = []
            for row in chunk:
                record = row.record
                body = self.expand_refs(record.source.body, src, record.source.display, record.source.body_line)
                entries.append(
                    render(
                        "entry.html",
                        record=record,
                        facts=self.facts(record, src),
                        overdue=self._overdue(record),
                        groups=self.related(record),
                        **self._ctx(src),
                    )
                    + "\n\n"
                    + demote_headings(body.strip(), 2)
                )
            pager = [(n + 1, self._register_page(folder, n)) for n in range(pages)]
            head = render(
                "risks.html" if kind == Kind.risk else "evidence.html",
                rows=chunk,
                all_rows=rows,
                first_page=number == 0,
                maps=self.maps,
                charts=charts,
                pager=pager if pages > 1 else [],
                page_src=src,
                file_uri=self.evidence_file_uri,
                cell_href=lambda kind: lambda likelihood, impact: f"#cell-{kind}-{likelihood}-{impact}",
                **self._ctx(src),
            )
            title = KIND_TITLES[kind] + (f" (page {number + 1} of {pages})" if pages > 1 else "")
            yield self._page(src, title, head, *entries)

    # -- per-record data for the templates -----------------------------------

    def _overdue(self, record: Record) -> bool:
        return record.doc.review_overdue(self.today)

    def facts(self, record: Record, src: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
        return document_facts(record, self.catalog.requirements, lambda key: self.href(key, src), self.label)

    def related(self, record: Record) -> list[tuple[str, list[Record]]]:
        return referenced_by(record, self.links)

    # -- navigation ----------------------------------------------------------

    def nav(self) -> NavItem:
        section = NavItem(self.options.nav_section)
        section.children += [
            NavItem("Readiness", READINESS),
            NavItem("Statement of Applicability", SOA),
            NavItem("Coverage", COVERAGE),
            NavItem("Risk register", self._register_page("risk-register", 0)),
            NavItem("Evidence index", self._register_page("evidence-index", 0)),
            NavItem("AI system inventory", INVENTORY),
        ]
        for framework, catalog in self.view.frameworks.items():
            section.children.append(NavItem(catalog.title, f"frameworks/{framework}.md"))
        if self.changes is not None:
            section.children.append(NavItem(f"Changes since {self.options.changes_since}", CHANGES))
        for kind in (Kind.policy, Kind.procedure):
            section.children.append(self._kind_nav(kind, index=True))
        section.children.append(
            NavItem(
                "Annex A controls",
                children=[NavItem(f"{c.id} {c.title}", f"controls/{c.id}.md") for c in self.catalog.controls],
            )
        )
        clauses = [NavItem(f"{s.id} {s.title}", f"clauses/{s.id}.md") for s in self.catalog.subclauses]
        extra = [
            r for r in self.view.of_kind(Kind.clause) if self.page_key(r) not in {s.id for s in self.catalog.subclauses}
        ]
        clauses += [
            NavItem(f"{self.page_key(r)} {self.label(self.page_key(r))}", f"clauses/{self.page_key(r)}.md")
            for r in extra
        ]
        section.children.append(NavItem("Clauses", children=sorted(clauses, key=lambda n: _clause_order(n.src_uri))))
        systems = NavItem(
            "AI systems",
            children=[
                NavItem(f"{r.id} {r.doc.title}", f"systems/{r.id}.md")
                for r in self.view.of_kind(Kind.system)[:NAV_LIMIT]
            ],
        )
        if systems.children:
            section.children.append(systems)
        for kind in (Kind.impact_assessment, Kind.audit, Kind.management_review, Kind.incident, Kind.nonconformity):
            section.children.append(self._kind_nav(kind, index=True))
        return section

    def _kind_nav(self, kind: Kind, *, index: bool) -> NavItem:
        folder = PAGE_FOLDERS[kind]
        records = self.view.of_kind(kind)
        children = [NavItem("Overview", f"{folder}/index.md")] if index else []
        if len(records) <= NAV_LIMIT:
            children += [NavItem(f"{r.id} {r.doc.title}", f"{folder}/{r.id}.md") for r in records]
        return NavItem(KIND_TITLES[kind], children=children)


def document_facts(
    record: Record,
    catalogue_ids: Mapping[str, object],
    href: Callable[[str], str | None],
    label: Callable[[str], str],
) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """The kind's own fields as (label, [(text, href)]) rows: one generic path for every kind.

    A reference to a record hidden from the audience is left out, ID and all.
    """
    doc = record.doc
    refs: dict[str, Ref] = ref_fields(type(doc))
    rows = []
    for name in type(doc).model_fields:
        if name in COMMON_FIELDS - {"satisfies"}:
            continue
        value = getattr(doc, name)
        if value is None or value == []:
            continue
        items: list[tuple[str, str | None]] = []
        for item in value if isinstance(value, list) else [value]:
            if name in refs:
                target = href(str(item))
                if target is None and str(item) not in catalogue_ids:
                    continue
                items.append((f"{item} {label(str(item))}".strip(), target))
            else:
                items.append((_text(item), None))
        if items:
            rows.append((name.replace("_", " ").capitalize(), items))
    return rows


def referenced_by(record: Record, links: Links) -> list[tuple[str, list[Record]]]:
    """Records that point at this one (or at its control or clause), grouped by kind."""
    incoming = list(links.incoming(record.id))
    key = SitePlan.page_key(record)
    if key != record.id:
        incoming += [r for r in links.incoming(key) if r not in incoming]
    groups: dict[Kind, list[Record]] = {}
    for other in incoming:
        if other is not record:
            groups.setdefault(other.kind, []).append(other)
    return [(f"Referenced by: {KIND_TITLES[k].lower()}", rs) for k, rs in groups.items()]


def _clause_order(src: str | None) -> tuple[int, ...]:
    key = posixpath.splitext(posixpath.basename(src or ""))[0]
    return tuple(int(p) if p.isdigit() else 0 for p in key.split("."))


def _text(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(getattr(value, "value", value)).replace("_", " ") if hasattr(value, "value") else str(value)
