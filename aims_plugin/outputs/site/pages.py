"""The site as data: every page it publishes, as finished HTML around the records' own Markdown.

Host-agnostic: it returns pages and downloads; the MkDocs adapter turns them
into files. A page is a list of blocks: finished HTML (generated here, never
parsed again) and the Markdown bodies of records (which the host converts
with the site's own Markdown settings, as it does hand-written pages).
Which pages exist comes from the kind registry: a page per record for `page`
kinds, paginated register pages for `register` kinds, a view page where a
kind's spec names one, an overview page where it asks for one.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...model import KIND_TITLES, SPECS, Kind, KindSpec, spec_of
from ...model.crossref import expand_refs
from ...present import charts
from ...present.facts import Facts, document_facts, referenced_by
from ...present.linker import Linker, catalog_entries, page_url, record_heading, register_page, relative_url
from ...present.templates import Templates, demote_headings, link_helpers, md_escape
from ...register.records import Record
from ...reports.bundle import Reports
from ...reports.people import template_context
from ..exports import soa_csv, soa_json

#: The stable URLs of the generated views (a contract: links point here).
SOA = "statement-of-applicability.md"
READINESS = "readiness.md"
COVERAGE = "coverage.md"
STAGE1 = "stage-1-index.md"
CHANGES = "changes.md"
ACKNOWLEDGEMENTS = "acknowledgements.md"
REQUIRED_READING = "required-reading.md"


@dataclass(frozen=True)
class SiteOptions:
    organisation: str = ""
    scope: str = ""
    audience: str = "internal"
    use_directory_urls: bool = True
    page_size: int = 200
    nav_section: str = "AI management system"
    changes_since: str = ""
    #: The pack's file in the site, when the site publishes one.
    pack_file: str = ""
    #: Material's tags plugin shows (and links) each page's tags: the panel does not repeat them.
    tags_plugin: bool = False


@dataclass
class Html:
    """Finished HTML, and the part of it a search index should hold (often nothing)."""

    text: str
    search: str = ""


@dataclass
class Page:
    """A generated page: its title and its blocks (finished `Html`, or a record's Markdown as `str`)."""

    src_uri: str
    title: str
    blocks: list[Html | str] = field(default_factory=list)
    #: A register or view: it takes the page's full width (the host hides the table of contents).
    wide: bool = False
    #: A document's tags, for the page's front matter (Material's tags plugin links them).
    tags: list[str] = field(default_factory=list)

    @property
    def markdown(self) -> str:
        """The Markdown the host converts: the bodies, with a marker where each HTML block goes."""
        # A body that happens to hold the marker cannot shift the blocks: its copy is spaced out.
        parts = (MARKER if isinstance(b, Html) else b.replace(MARKER, "<!-- aims-block -->") for b in self.blocks)
        return "\n\n".join(parts) + "\n"

    @property
    def html_blocks(self) -> list[Html]:
        return [b for b in self.blocks if isinstance(b, Html)]


#: Stands for one finished HTML block in a page's Markdown; Python-Markdown keeps it as it is.
MARKER = "<!--aims-block-->"


@dataclass
class Download:
    """A file of the site that is not a page: an export, or an evidence file."""

    src_uri: str
    content: str | None = None
    source_file: Path | None = None


@dataclass
class Unresolved:
    """A `[[ID]]` that names nothing this build can link to."""

    where: str
    line: int
    ref: str


class SitePlan:
    """Everything one site build publishes, from one audience's reports."""

    def __init__(self, reports: Reports, options: SiteOptions, templates: Templates | None = None) -> None:
        self.reports = reports
        self.view = reports.view
        self.catalog = self.view.catalog
        self.today = reports.today
        self.options = options
        self.templates = templates or Templates()
        self.linker = Linker(self.view, options.page_size)
        self.unresolved: list[Unresolved] = []

    # -- links ---------------------------------------------------------------

    def href(self, key: str, from_src: str) -> str | None:
        return self.linker.site_href(key, from_src, self.options.use_directory_urls)

    def label(self, key: str) -> str:
        return self.linker.label(key)

    def expand_refs(self, markdown: str, from_src: str, where: str, first_line: int) -> str:
        """Turn `[[ID]]` and `[[ID|text]]` into links; note the ones that resolve to nothing."""
        prefix = f"{self.catalog.id}:"

        def resolve(ref: str) -> tuple[str, str, str] | None:
            target = self.linker.md_href(ref, from_src)
            return (target, ref.removeprefix(prefix), self.label(ref)) if target else None

        def unknown(ref: str, line: int) -> None:
            # Known to exist but hidden from this audience: plain text, not a warning.
            if ref not in self.view.withheld:
                self.unresolved.append(Unresolved(where, first_line + line, ref))

        return expand_refs(markdown, resolve, unknown, md_escape)

    def _ctx(self, src: str) -> dict[str, Any]:
        def href(key: str) -> str | None:
            return self.href(key, src)

        def url(target: str) -> str:
            directory = self.options.use_directory_urls
            return relative_url(page_url(target, directory), page_url(src, directory))

        return {
            **link_helpers(href, self.label),
            "href": href,
            "url": url,
            "label": self.label,
            "today": self.today,
            "owner_url": lambda name: url(self.owners[name]) if name in self.owners else None,
            "criteria": self.view.criteria,
            "options": self.options,
            "catalog": self.catalog,
            "pack": False,
            "prefix": "",
            "anchor": lambda record: record.id,
            "soa_anchor": lambda control: control,
            **self.people_context,
        }

    @functools.cached_property
    def people_context(self) -> dict[str, Any]:
        return template_context(self.reports.roles, self.view)

    @property
    def shows_acknowledgements(self) -> bool:
        """Acknowledgements are shown to internal and auditor audiences only (they are about named people)."""
        return self.view.show_names and bool(self.reports.acknowledgements)

    def _html(self, template: str, src: str, **context: Any) -> Html:
        return Html(scrollable(self.templates.render(template, **{**self._ctx(src), **context})))

    # -- the outputs -----------------------------------------------------------

    def outputs(self) -> Iterator[Page | Download]:
        for output in self._pages():
            if isinstance(output, Page):
                output.blocks.append(self._as_of())
            yield output

    def home(self, src: str = "index.md") -> Html:
        """The home page's doors for staff, the AIMS owner and auditors (template `home.html`)."""
        policies = [r for r in self.view.of_kind(Kind.policy) if r.done]
        procedures = [r for r in self.view.of_kind(Kind.procedure) if r.done]

        def naming(key: str) -> list[Record]:
            return [r for r in policies + procedures if key in r.doc.satisfies]

        policy = next(iter(naming("5.2")), policies[0] if policies else None)
        concern = next(iter(naming("A.3.3")), None)
        reading = [r for r in policies if r is not policy and r.doc.classification.value != "confidential"]
        return Html(
            self.templates.render(
                "home.html",
                **self._ctx(src),
                r=self.reports.readiness,
                policy=policy,
                concern=concern,
                reading=reading,
                changes=self.reports.changes is not None,
                pack_file=self.options.pack_file,
                roles=bool(self.reports.roles),
            )
        )

    def _as_of(self) -> Html:
        """The line every generated page ends with: the day its judgements are made and the commit it shows."""
        head = self.view.history.head
        commit = f', commit <code>{html.escape(head.short)}</code>' if head else " (not in a git repository)"
        return Html(f'<p class="aims-asof">As of {self.today.isoformat()}{commit}.</p>')

    def _pages(self) -> Iterator[Page | Download]:
        yield from self._views()
        for spec in SPECS:
            if spec.layout == "page":
                yield from self._document_pages(spec)
        for spec in SPECS:
            if spec.layout == "register":
                yield from self._register_pages(spec)
        for row in self.reports.evidence:
            if row.record.attachment is not None:
                yield Download(self.evidence_file_uri(row.record), source_file=row.record.attachment.path)

    def evidence_file_uri(self, record: Record) -> str:
        assert record.attachment is not None
        return f"evidence-files/{record.attachment.rel}"

    def _views(self) -> Iterator[Page | Download]:
        r = self.reports.readiness
        yield _view(READINESS, "Readiness dashboard", self._html("readiness.html", READINESS, r=r, charts=charts))
        soa = _view(SOA, "Statement of Applicability", self._html("soa.html", SOA, rows=r.soa, r=r))
        soa.blocks.insert(0, self._html("soa_control.html", SOA, r=r))
        if r.statement is not None:
            src = r.statement.source
            soa.blocks.insert(1, self.expand_refs(src.body, SOA, src.display, src.body_line).strip())
        yield soa
        yield Download(SOA.replace(".md", ".csv"), content=soa_csv(r.soa))
        opts = self.options
        yield Download(SOA.replace(".md", ".json"), content=soa_json(r.soa, opts.organisation, opts.scope, opts.audience, r.statement))
        yield _view(STAGE1, "Stage 1 index", self._html("stage1.html", STAGE1, rows=self.reports.stage1))
        coverage = self._html("coverage.html", COVERAGE, clauses=self.reports.clauses, controls=self.reports.controls)
        yield _view(COVERAGE, "Coverage", coverage)
        for cov in self.reports.frameworks:
            src = framework_page(cov.catalog.id)
            yield _view(src, f"{cov.catalog.title} coverage", self._html("framework.html", src, cov=cov))
        changes = self.reports.changes
        if changes is not None:
            title = f"Changes since {self.options.changes_since}"
            if isinstance(changes, str):
                block = Html(f'<p class="aims-gap">{html.escape(changes)}</p>')
            else:
                block = self._html("changes.html", CHANGES, report=changes, kind_titles=KIND_TITLES)
            yield _view(CHANGES, title, block)
        for spec in SPECS:
            if spec.view is not None and spec.view.page is not None:
                src = spec.view.page
                rows = getattr(self.reports, spec.view.rows)
                yield _view(src, spec.view.title, self._html(spec.view.template, src, rows=rows))
        yield from self._owner_pages()
        if self.shows_acknowledgements:
            block = self._html("acknowledgements.html", ACKNOWLEDGEMENTS, rows=self.reports.acknowledgements)
            yield _view(ACKNOWLEDGEMENTS, "Acknowledgements", block)
        if self.reports.roles:
            block = self._html("required_reading.html", REQUIRED_READING, rows=self.reports.roles)
            yield _view(REQUIRED_READING, "Required reading by role", block)
        for spec in sorted(SPECS, key=lambda s: s.nav):
            if spec.index and spec.layout == "page":
                src = f"{spec.folder}/index.md"
                records = self.view.of_kind(spec.name)
                yield _view(src, spec.title, self._html("kind_index.html", src, kind=spec.name, records=records))

    @functools.cached_property
    def owners(self) -> dict[str, str]:
        """Everyone named as an owner (of a record, a control or an open item) -> their page."""
        names = {r.doc.owner for r in self.view.records if r.doc.owner}
        names |= {row.owner for row in self.reports.soa if row.owner}
        names |= {item.owner for _, items in self.reports.readiness.open.groups() for item in items if item.owner}
        pages: dict[str, str] = {}
        for name in sorted(names, key=str.casefold):
            plain = unicodedata.normalize("NFKD", name.casefold()).encode("ascii", "ignore").decode()
            slug = re.sub(r"[^a-z0-9]+", "-", plain).strip("-") or "owner"
            while f"{OWNERS}{slug}.md" in pages.values() or slug == "index":  # owners/index.md lists them
                slug += "-1"
            pages[name] = f"{OWNERS}{slug}.md"
        return pages

    def _owner_pages(self) -> Iterator[Page]:
        """A "my work" page per owner: open items in order of urgency, then what they own."""
        open_items = self.reports.readiness.open
        people = []
        for name, src in self.owners.items():
            items = [(c, item) for c, group in open_items.groups() for item in group if item.owner == name]
            owned = [r for r in self.view.records if r.doc.owner == name and spec_of(r.kind).layout != "home"]
            controls = [row for row in self.reports.soa if row.owner == name]
            late = sum(1 for _, item in items if item.overdue(self.today))
            html_block = self._html(
                "owner.html", src, owner=name, items=items, owned=owned, controls=controls, kind_titles=KIND_TITLES
            )
            people.append({"name": name, "page": src, "open": len(items), "late": late, "owned": len(owned)})
            yield _view(src, f"Work of {name}", html_block)
        yield _view(f"{OWNERS}index.md", "Owners and their work", self._html("owners.html", f"{OWNERS}index.md", people=people))

    def _document_pages(self, spec: KindSpec) -> Iterator[Page]:
        written = {r.topic: r for r in self.view.of_kind(spec.name)}
        for key, record in written.items():
            src = f"{spec.folder}/{key}.md"
            body = self.expand_refs(record.source.body, src, record.source.display, record.source.body_line)
            blocks: list[Html | str] = [
                self._html(
                    "panel.html",
                    src,
                    record=record,
                    facts=self.facts(record, src),
                    overdue=self._overdue(record),
                    page_tags=self.options.tags_plugin,  # the theme shows the page's tags, linked
                )
            ]
            if spec.catalog_type is not None:
                blocks.append(self._requirement(key, src))
            ack = self.acknowledgement(record)
            if ack is not None:
                blocks.append(self._html("ack_line.html", src, row=ack))
            blocks.append(body.strip())
            role = self.role(record)
            if role is not None:
                heading = Html('<h2 id="holders">Holders</h2>')
                blocks += [heading, self._html("role_holders.html", src, row=role)]
            blocks.append(self._html("related.html", src, groups=self.related(record)))
            history = self.view.history
            revisions = history.of(record.source.rel)
            blocks.append(
                self._html("revisions.html", src, record=record, revisions=revisions, shown=5, notice=history.notice)
            )
            yield Page(src, record_heading(record, self.linker), blocks, tags=list(record.doc.tags))
        if spec.catalog_type is not None:
            for req in catalog_entries(self.catalog, spec):
                if req.id not in written:
                    yield self._stub_page(spec, req.id)

    def _stub_page(self, spec: KindSpec, key: str) -> Page:
        src = f"{spec.folder}/{key}.md"
        title = "Covered by" if spec.catalog_type == "subclause" else "Named by"
        incoming = self.reports.links.incoming(key)
        groups = [(title, incoming)] if incoming else []
        return Page(
            src,
            f"{key} {self.label(key)}",
            [
                self._html("stub.html", src, key=key, withheld=key in self.view.withheld),
                self._requirement(key, src),
                self._html("related.html", src, groups=groups),
            ],
        )

    def _requirement(self, key: str, src: str) -> Html:
        req = self.catalog.requirements.get(key)
        if req is None:
            return Html("")
        block = self._html("requirement.html", src, req=req)
        block.search = block.text  # the catalogue's title and intent: worth finding
        return block

    def _register_pages(self, spec: KindSpec) -> Iterator[Page]:
        assert spec.register_folder is not None and spec.view is not None
        rows: list[Any] = getattr(self.reports, spec.view.rows)
        size = self.options.page_size
        pages = max(1, -(-len(rows) // size))
        pager = [(n + 1, register_page(spec.register_folder, n)) for n in range(pages)]
        for number in range(pages):
            src = register_page(spec.register_folder, number)
            chunk = rows[number * size : (number + 1) * size]
            head = self._html(
                spec.view.template,
                src,
                rows=chunk,
                all_rows=rows,
                first_page=number == 0,
                maps=self.reports.maps,
                charts=charts,
                pager=pager if pages > 1 else [],
                page_src=src,
                file_uri=self.evidence_file_uri,
                cell_href=lambda kind: lambda likelihood, impact: f"#cell-{kind}-{likelihood}-{impact}",
            )
            blocks: list[Html | str] = [head]
            for row in chunk:
                record = row.record
                body = self.expand_refs(record.source.body, src, record.source.display, record.source.body_line)
                facts = self.facts(record, src)
                entry = self._html(
                    "entry.html",
                    src,
                    record=record,
                    facts=facts,
                    overdue=self._overdue(record),
                    groups=self.related(record),
                )
                summary = first_paragraph(record.source.body)
                entry.search = self.templates.render("search_entry.html", record=record, facts=facts, summary=summary)
                after = Html("", search=self.templates.render("search_entry.html", record=record, facts=facts, facts_only=True))
                blocks += [entry, demote_headings(body.strip(), 2), after]
            title = spec.section_title + (f" (page {number + 1} of {pages})" if pages > 1 else "")
            yield Page(src, title, blocks, wide=True)

    # -- per-record data for the templates ---------------------------------------

    def _overdue(self, record: Record) -> bool:
        return record.doc.review_overdue(self.today)

    def facts(self, record: Record, src: str) -> Facts:
        href = lambda key: self.href(key, src)  # noqa: E731
        return document_facts(record, self.catalog.requirements, href, self.label, withheld=self.view.withheld)

    def related(self, record: Record) -> list[tuple[str, list[Record]]]:
        return referenced_by(record, self.reports.links)

    def acknowledgement(self, record: Record) -> Any:
        if not self.shows_acknowledgements:
            return None
        return next((row for row in self.reports.acknowledgements if row.record is record), None)

    def role(self, record: Record) -> Any:
        return next((row for row in self.reports.roles if row.record is record), None)


#: Folder of the owners' "my work" pages.
OWNERS = "owners/"


def _view(src: str, title: str, block: Html) -> Page:
    """A generated view: search finds it by its title; its rows are found on their own pages."""
    block.search = f"<p>{html.escape(title)}</p>"
    return Page(src, title, [block], wide=True)


_MARKUP = re.compile(r"\[\[([^\]|]+)(?:\|([^\]]+))?\]\]|\[([^\]]*)\]\([^)]*\)|[*_`>#]+|<[^>]+>")


def first_paragraph(markdown: str, limit: int = 300) -> str:
    """A body's first paragraph of prose as plain text (a search preview), cut at a word near `limit`.

    Comments and fenced code are left out first: what the page does not show, search does not either."""
    markdown = re.sub(r"<!--.*?-->", "", markdown, flags=re.DOTALL)
    markdown = re.sub(r"^(```|~~~).*?^\1[^\n]*$", "", markdown, flags=re.DOTALL | re.MULTILINE)
    for block in re.split(r"\n\s*\n", markdown.strip()):
        line = block.strip()
        if not line or line.startswith(("#", "|", "<!--", "```", "- ", "* ", "1.")):
            continue
        text = " ".join(_MARKUP.sub(lambda m: m.group(2) or m.group(1) or m.group(3) or "", line).split())
        if text:
            return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"
    return ""


_TABLE = re.compile(r"(<table class=\"aims-table[^\"]*\"[^>]*>.*?</table>)", re.DOTALL)


def scrollable(text: str) -> str:
    """Each generated table in a box of its own that scrolls sideways on a narrow screen (the page never
    does); focusable, so that the keyboard can scroll it too."""
    return _TABLE.sub(r'<div class="aims-scroll" tabindex="0">\1</div>', text)


def framework_page(framework: str) -> str:
    return f"frameworks/{framework}.md"
