"""The auditor documentation pack as one HTML document, from the same reports as the site.

Everything a page of the pack shows is traceable: each document carries its
source path and revision history, and the manifest lists the SHA-256 of every
source and evidence file the pack was made from.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

import markdown
from markupsafe import Markup

from ...files.history import History
from ...model import Audience, Kind
from ...model.crossref import expand_refs
from ...present import charts
from ...present.templates import demote_headings, environment, link_helpers, md_escape, render
from ...register.links import Links
from ...register.records import Record, Register
from ...reports.changes import ChangeReport
from ...reports.coverage import clause_coverage, control_coverage
from ...reports.frameworks import framework_coverage
from ...reports.readiness import readiness
from ...reports.registers import evidence_index, heat_map, inventory, risk_register
from ..site.plan import KIND_TITLES, SitePlan, document_facts, referenced_by

#: The order of the document sections, after the registers of clause 6.1.3.
DOCUMENT_SECTIONS: tuple[tuple[Kind, str], ...] = (
    (Kind.policy, "policies"),
    (Kind.procedure, "procedures"),
    (Kind.clause, "clauses"),
    (Kind.control, "controls"),
)
RECORD_SECTIONS: tuple[tuple[Kind, str], ...] = (
    (Kind.impact_assessment, "assessments"),
    (Kind.audit, "audits"),
    (Kind.management_review, "reviews"),
    (Kind.nonconformity, "nonconformities"),
    (Kind.incident, "incidents"),
)
PAGE_SIZES = {"a4": "A4", "letter": "letter"}
#: Register tables are cut into tables of this many rows: WeasyPrint lays out
#: many short tables much faster than one long one.
TABLE_CHUNK = 60


@dataclass(frozen=True)
class PackOptions:
    organisation: str = ""
    scope: str = ""
    audience: Audience = Audience.auditor
    page_size: str = "a4"
    title: str = "AI management system documentation pack"
    changes_since: str = ""


@dataclass
class Pack:
    """The pack's single HTML document and what goes around it in the PDF."""

    html: str
    title: str
    author: str
    subject: str
    keywords: list[str]
    created: dt.datetime
    digest: str
    attachments: list[Record] = field(default_factory=list)


def build_pack(
    register: Register,
    *,
    today: dt.date,
    created: dt.datetime,
    history: History,
    options: PackOptions,
    changes: ChangeReport | str | None = None,
) -> Pack:
    """The pack's HTML; `changes` is the report since `options.changes_since`, or why there is none."""
    view = register.visible_to(options.audience)
    links = Links(view)
    ready = readiness(view, today, links)
    targets = _Targets(view)
    md = markdown.Markdown(extensions=["tables", "attr_list", "sane_lists", "fenced_code", "admonition"])

    def body(record: Record) -> str:
        def resolve(ref: str) -> tuple[str, str] | None:
            target = targets.href(ref)
            return (target, f"{ref} {targets.label(ref)}") if target else None

        text = expand_refs(record.source.body, resolve, lambda ref, line: None, md_escape)
        md.reset()
        return md.convert(demote_headings(text, 1))

    ctx: dict[str, Any] = {
        **link_helpers(targets.href, targets.label),
        "href": targets.href,
        "url": lambda target: "#soa" if target.startswith("statement-of-applicability") else "#contents",
        "label": targets.label,
        "today": today,
        "options": options,
        "catalog": view.catalog,
        "pack": True,
        "prefix": "soa-",
        "anchor": lambda record: f"entry-{record.id}",
        "soa_anchor": lambda control: f"soa-{control}",
        "charts": charts,
        "file_uri": lambda record: None,
        "page_src": "",
        "pager": [],
        "cell_href": lambda kind: lambda likelihood, impact: f"#cell-{kind}-{likelihood}-{impact}",
    }
    risks = risk_register(view, links)
    evidence = evidence_index(view, today)
    manifest = _manifest(view)
    digest = hashlib.sha256("".join(f"{rel} {sha}\n" for rel, sha, _ in manifest).encode()).hexdigest()
    sections = {kind: view.of_kind(kind) for kind in Kind}

    def sub(template: str, **extra: Any) -> Markup:
        return Markup(render(template, **{**ctx, **extra}))

    env = environment()
    html_text = env.get_template("pack/pack.html").render(
        **ctx,
        sub=sub,
        r=ready,
        view=view,
        sections=sections,
        document_sections=DOCUMENT_SECTIONS,
        record_sections=RECORD_SECTIONS,
        kind_titles=KIND_TITLES,
        clauses=clause_coverage(view),
        controls=control_coverage(ready.soa),
        risks=risks,
        maps=(heat_map(risks, residual=False), heat_map(risks, residual=True)),
        evidence=evidence,
        systems=inventory(view, links),
        body=body,
        history=history,
        facts=lambda record: document_facts(record, view.catalog.requirements, targets.href, targets.label),
        related=lambda record: referenced_by(record, links),
        doc_anchor=targets.doc_anchor,
        page_key=SitePlan.page_key,
        manifest=manifest,
        changes=changes,
        frameworks=[framework_coverage(view, name, ready.soa, links) for name in view.frameworks],
        digest=digest,
        created=created,
        page_size=PAGE_SIZES.get(options.page_size.lower(), "A4"),
        classification="confidential" if options.audience == Audience.auditor else options.audience.value,
        chunk=TABLE_CHUNK,
        css=env.loader.get_source(env, "pack/pack.css")[0],  # type: ignore[union-attr]
    )
    organisation = options.organisation or "AIMS"
    return Pack(
        html=html_text,
        title=f"{organisation}: {options.title}",
        author=organisation,
        subject=f"ISO/IEC 42001 AI management system of {organisation}"
        + (f" ({options.scope})" if options.scope else ""),
        keywords=["ISO/IEC 42001", "AIMS", "Statement of Applicability", "audit"],
        created=created,
        digest=digest,
        attachments=[row.record for row in evidence if row.record.attachment is not None],
    )


class _Targets:
    """Where each ID lands inside the one pack document."""

    def __init__(self, view: Register) -> None:
        self.view = view
        self.catalog = view.catalog
        self.anchors: dict[str, str] = {}
        self.titles: dict[str, str] = {}
        for req in self.catalog.controls:
            self.anchors[req.id], self.titles[req.id] = f"soa-{req.id}", req.title
        for req in self.catalog.of_type("subclause"):
            sub = self.catalog.subclause_of(req.id) or req.id
            self.anchors[req.id], self.titles[req.id] = f"clause-{sub}", req.title
        for record in view.records:
            register_row = record.kind in (Kind.risk, Kind.evidence)
            anchor = f"entry-{record.id}" if register_row else self.doc_anchor(record)
            self.anchors[record.id] = anchor
            self.titles[record.id] = record.doc.title or self.titles.get(SitePlan.page_key(record), record.id)
            key = SitePlan.page_key(record)
            if key != record.id:
                self.anchors[key] = anchor

    @staticmethod
    def doc_anchor(record: Record) -> str:
        return f"doc-{SitePlan.page_key(record)}"

    def href(self, key: str) -> str | None:
        anchor = self.anchors.get(key.removeprefix(f"{self.catalog.id}:"))
        return f"#{anchor}" if anchor else None

    def label(self, key: str) -> str:
        key = key.removeprefix(f"{self.catalog.id}:")
        return self.titles.get(key, key)


def _manifest(view: Register) -> list[tuple[str, str, int | None]]:
    """(path, SHA-256, size) of every source and evidence file in the pack, sorted by path."""
    rows: dict[str, tuple[str, str, int | None]] = {}
    for record in view.records:
        rel = f"{view.display_dir}/{record.source.rel}"
        rows[rel] = (rel, record.source.sha256, None)
        if record.attachment is not None:
            arel = f"{view.display_dir}/{record.attachment.rel}"
            rows[arel] = (arel, record.attachment.sha256, record.attachment.size)
    return [rows[key] for key in sorted(rows)]
