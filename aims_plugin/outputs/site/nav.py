"""The site's navigation section, derived from the kind registry."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from ...model import SPECS, KindSpec
from ...present.linker import catalog_entries, register_page
from .pages import (
    ACKNOWLEDGEMENTS,
    CHANGES,
    COVERAGE,
    OWNERS,
    READINESS,
    REQUIRED_READING,
    SOA,
    STAGE1,
    SitePlan,
    framework_page,
)

#: In the nav, a kind lists its documents one by one up to this many.
NAV_LIMIT = 50


@dataclass
class NavItem:
    title: str
    src_uri: str | None = None
    children: list[NavItem] = field(default_factory=list)


def site_nav(plan: SitePlan) -> NavItem:
    """Views first (dashboard, SoA, coverage, registers), then each kind's documents."""
    section = NavItem(plan.options.nav_section)
    section.children += [
        NavItem("Readiness", READINESS),
        NavItem("Statement of Applicability", SOA),
        NavItem("Stage 1 index", STAGE1),
        NavItem("Coverage", COVERAGE),
        NavItem("Owners and their work", f"{OWNERS}index.md"),
    ]
    views = sorted((s for s in SPECS if s.view is not None), key=lambda s: s.view.nav if s.view else 0)
    for spec in views:
        assert spec.view is not None
        page = spec.view.page or register_page(spec.register_folder or spec.folder, 0)
        section.children.append(NavItem(spec.view.title, page))
    if plan.reports.roles:
        section.children.append(NavItem("Required reading by role", REQUIRED_READING))
    if plan.shows_acknowledgements:
        section.children.append(NavItem("Acknowledgements", ACKNOWLEDGEMENTS))
    for framework, catalog in plan.view.frameworks.items():
        section.children.append(NavItem(catalog.title, framework_page(framework)))
    if plan.reports.changes is not None:
        section.children.append(NavItem(f"Changes since {plan.options.changes_since}", CHANGES))
    for spec in sorted((s for s in SPECS if s.layout == "page"), key=lambda s: s.nav):
        item = _kind_nav(plan, spec)
        if item.children or spec.index:
            section.children.append(item)
    return section


def _kind_nav(plan: SitePlan, spec: KindSpec) -> NavItem:
    if spec.catalog_type is not None:
        return _catalog_nav(plan, spec)
    records = plan.view.of_kind(spec.name)
    children = [NavItem("Overview", f"{spec.folder}/index.md")] if spec.index else []
    if spec.index and len(records) <= NAV_LIMIT:
        children += [NavItem(f"{r.id} {r.doc.title}", f"{spec.folder}/{r.id}.md") for r in records]
    elif not spec.index:
        children += [NavItem(f"{r.id} {r.doc.title}", f"{spec.folder}/{r.id}.md") for r in records[:NAV_LIMIT]]
    return NavItem(spec.title, children=children)


def _catalog_nav(plan: SitePlan, spec: KindSpec) -> NavItem:
    """Every catalogue entry of the kind's type, and write-ups of entries below them, in the standard's order."""
    catalog = plan.catalog
    entries = catalog_entries(catalog, spec)
    known = {req.id for req in entries}
    children = [NavItem(f"{req.id} {req.title}", f"{spec.folder}/{req.id}.md") for req in entries]
    extra = [r.topic for r in plan.view.of_kind(spec.name) if r.topic not in known]
    children += [NavItem(f"{key} {plan.label(key)}", f"{spec.folder}/{key}.md") for key in extra]
    if extra:
        children.sort(key=lambda n: _clause_order(n.src_uri))
    return NavItem(spec.title, children=children)


def _clause_order(src: str | None) -> tuple[int, ...]:
    key = posixpath.splitext(posixpath.basename(src or ""))[0]
    return tuple(int(p) if p.isdigit() else 0 for p in key.split("."))
