"""The auditor documentation pack as one HTML document, from the same reports as the site.

Everything a page of the pack shows is traceable: each document carries its
source path and revision history, and the manifest lists the SHA-256 of every
source and evidence file the pack was made from.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import markdown
from markupsafe import Markup

from ...model import KIND_TITLES, SPECS, Audience, Kind, KindSpec, spec_of
from ...model.crossref import expand_refs
from ...present import charts
from ...present.facts import document_facts, referenced_by
from ...present.linker import Linker, record_heading
from ...present.templates import Templates, demote_headings, link_helpers, md_escape
from ...register.records import Record, Register
from ...reports.bundle import Reports
from ...reports.people import template_context

#: Where the site pages that templates link to are in the pack.
PACK_ANCHORS = {
    "statement-of-applicability.md": "#soa",
    "acknowledgements.md": "#acknowledgements",
    "required-reading.md": "#roles",
}

PAGE_SIZES = {"a4": "A4", "letter": "letter"}
#: Register tables are cut into tables of this many rows: WeasyPrint lays out
#: many short tables much faster than one long one.
TABLE_CHUNK = 60


def pack_name(audience: Audience) -> str:
    """One name per pack: the auditor pack holds everything; any narrower one is a documentation pack."""
    return "auditor pack" if audience == Audience.auditor else "documentation pack"


def pack_file(audience: Audience) -> str:
    """The default file name of `aims pdf` for an audience."""
    return pack_name(audience).replace(" ", "-") + ".pdf"


@dataclass(frozen=True)
class PackOptions:
    organisation: str = ""
    scope: str = ""
    audience: Audience = Audience.auditor
    page_size: str = "a4"
    changes_since: str = ""

    @property
    def title(self) -> str:
        return f"AI management system {pack_name(self.audience)}"


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
    #: The machine-readable manifest, embedded as a PDF attachment.
    manifest_json: bytes = b""


def build_pack(
    reports: Reports,
    *,
    created: dt.datetime,
    options: PackOptions,
    templates: Templates | None = None,
) -> Pack:
    """The pack's HTML for the audience `reports` were computed for."""
    templates = templates or Templates()
    view = reports.view
    history = view.history
    linker = Linker(view)
    # lazy_ol off: an ordered list starting at 4 prints 4, 5, 6 (a procedure's steps continue after a table).
    md = markdown.Markdown(extensions=["tables", "attr_list", "sane_lists", "fenced_code", "admonition"], lazy_ol=False)
    prefix = f"{view.catalog.id}:"

    def body(record: Record) -> str:
        def resolve(ref: str) -> tuple[str, str, str] | None:
            target = linker.pack_href(ref)
            return (target, ref.removeprefix(prefix), linker.label(ref)) if target else None

        text = expand_refs(record.source.body, resolve, lambda ref, line: None, md_escape)
        md.reset()
        return md.convert(demote_headings(text, 1))

    ctx: dict[str, Any] = {
        **link_helpers(linker.pack_href, linker.label),
        "href": linker.pack_href,
        "url": lambda target: PACK_ANCHORS.get(target, "#contents"),
        "label": linker.label,
        "today": reports.today,
        "criteria": view.criteria,
        "options": options,
        "catalog": view.catalog,
        "pack": True,
        "prefix": "soa-",
        "anchor": lambda record: f"entry-{record.id}",
        "soa_anchor": lambda control: f"soa-{control}",
        "charts": charts,
        "file_uri": lambda record: None,
        "owner_url": lambda name: None,
        "page_src": "",
        "pager": [],
        "cell_href": lambda kind: lambda likelihood, impact: f"#cell-{kind}-{likelihood}-{impact}",
        **template_context(reports.roles, view),
    }
    manifest = _manifest(view)
    digest = hashlib.sha256("".join(f"{rel} {sha}\n" for rel, sha, _ in manifest).encode()).hexdigest()
    commit = history.head.commit if history.head else None

    def sub(template: str, **extra: Any) -> Markup:
        return Markup(templates.render(template, **{**ctx, **extra}))

    sections = [
        Section(spec, view.of_kind(spec.name), getattr(reports, spec.view.rows) if spec.view else [])
        for spec in sorted(SPECS, key=lambda s: s.pack)
        if spec.layout != "home"
    ]
    html_text = templates.env.get_template("pack/pack.html").render(
        **ctx,
        sub=sub,
        r=reports.readiness,
        reports=reports,
        view=view,
        register_records=[r for r in view.records if spec_of(r.kind).layout != "register"],
        sections=[s for s in sections if s.shown],
        kind_titles=KIND_TITLES,
        body=body,
        history=history,
        facts=lambda record: document_facts(
            record, view.catalog.requirements, linker.pack_href, linker.label, with_topic=False
        ),
        related=lambda record: referenced_by(record, reports.links),
        doc_anchor=lambda record: linker.targets[record.id].pack,
        heading=lambda record: record_heading(record, linker),
        # Policies and procedures, the controlled documents staff work to, each open a page; write-ups,
        # systems, roles and the other records follow one another.
        flows=lambda record: record.kind not in (Kind.policy, Kind.procedure),
        manifest=manifest,
        changes=reports.changes,
        frameworks=reports.frameworks,
        acknowledgements=reports.acknowledgements if view.show_names else [],
        digest=digest,
        created=created,
        page_size=PAGE_SIZES.get(options.page_size.lower(), "A4"),
        classification="confidential" if options.audience == Audience.auditor else options.audience.value,
        chunk=TABLE_CHUNK,
        css=templates.source("pack/pack.css"),
        css_string=css_string,
        commit=commit,
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
        attachments=[row.record for row in reports.evidence if row.record.attachment is not None],
        manifest_json=manifest_json(manifest, digest, commit, reports.today, options, view),
    )


def css_string(text: str) -> Markup:
    """`text` as a quoted CSS string for a `<style>` element: every character but letters, digits
    and spaces as a CSS escape, so no quote, backslash or `</style>` can end it early."""
    escaped = "".join(c if (c.isalnum() and c.isascii()) or c == " " else f"\\{ord(c):x} " for c in text)
    return Markup(f'"{escaped}"')


#: The name of the machine-readable manifest embedded in every pack (`aims verify` reads it).
MANIFEST_NAME = "aims-manifest.json"
MANIFEST_FORMAT = "aims-pack-manifest/1"


def manifest_json(
    manifest: list[tuple[str, str, int]],
    digest: str,
    commit: str | None,
    as_of: dt.date,
    options: PackOptions,
    view: Register,
) -> bytes:
    """Every file the pack was made from, with what it was made at and how: stable, sorted JSON."""
    data = {
        "format": MANIFEST_FORMAT,
        "digest": digest,
        "commit": commit,
        "as_of": as_of.isoformat(),
        "settings": {
            "organisation": options.organisation,
            "scope": options.scope,
            "audience": options.audience.value,
            "page_size": options.page_size,
            "changes_since": options.changes_since,
            "frameworks": sorted(view.frameworks),
            "content_dir": view.display_dir,
        },
        "files": [{"path": path, "size": size, "sha256": sha} for path, sha, size in manifest],
    }
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


@dataclass(frozen=True)
class Section:
    """One kind's section of the pack: its records, and the rows of its register view if it has one."""

    spec: KindSpec
    records: list[Record]
    rows: list[Any]

    @property
    def shown(self) -> bool:
        # A register view is always printed (an empty register says so); a list of documents only when it has any.
        return self.spec.view is not None or bool(self.records)


def _manifest(view: Register) -> list[tuple[str, str, int]]:
    """(path, SHA-256, size) of every source and evidence file in the pack, sorted by path."""
    rows: dict[str, tuple[str, str, int]] = {}
    for record in view.records:
        rel = f"{view.display_dir}/{record.source.rel}"
        rows[rel] = (rel, record.source.sha256, record.source.size)
        if record.attachment is not None:
            arel = f"{view.display_dir}/{record.attachment.rel}"
            rows[arel] = (arel, record.attachment.sha256, record.attachment.size)
    if view.show_names:
        # The people register and the acknowledgements the pack's figures come from.
        for path, sha, size in view.people.files:
            rows[path] = (path, sha, size)
    return [rows[key] for key in sorted(rows)]
