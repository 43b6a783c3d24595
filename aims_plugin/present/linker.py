"""One linker: where every record and catalogue ID lands, on the site and in the pack.

The map is built once per audience view from the kind registry; the site and
the pack read it through two schemes (a page URL with an optional anchor, or
an anchor inside the one pack document), and `[[ID]]` expansion uses the same.
"""

from __future__ import annotations

import functools
import posixpath
from dataclasses import dataclass

from ..catalog import Catalog, Requirement
from ..model import SPECS, KindSpec, spec_of
from ..register.links import actions_of
from ..register.records import Record, Register


@dataclass(frozen=True)
class Target:
    page: str  # site: the Markdown source path of the page (`controls/A.2.2.md`)
    anchor: str | None  # site: the anchor on that page, if the ID is an entry on it
    pack: str  # pack: the anchor in the pack document
    title: str


def register_page(folder: str, number: int) -> str:
    """Source path of page `number` (0-based) of a paginated register."""
    return f"{folder}/index.md" if number == 0 else f"{folder}/{number + 1}.md"


def record_heading(record: Record, linker: Linker) -> str:
    """`ID title` of a record; a write-up is headed by its control or clause."""
    if spec_of(record.kind).topic:
        return f"{record.topic} {linker.label(record.topic)}"
    return f"{record.id} {record.doc.title}"


class Linker:
    """ID -> `Target` for one audience view. Hidden records have no target."""

    def __init__(self, view: Register, page_size: int = 200) -> None:
        self.view = view
        self.catalog = view.catalog
        self.page_size = page_size
        self.targets: dict[str, Target] = {}
        catalog = self.catalog
        for spec in SPECS:
            if spec.catalog_type is not None:
                for req in catalog_entries(catalog, spec):
                    self.targets[req.id] = Target(f"{spec.folder}/{req.id}.md", None, _anchor(spec, req.id), req.title)
        for spec in SPECS:
            records = view.of_kind(spec.name)
            for index, record in enumerate(records):
                self._place_record(spec, record, index)
        # An action lands in its record's actions table.
        for record in view.records:
            for action in actions_of(record):
                parent = self.targets.get(record.id)
                if parent is not None and action.id not in self.targets:
                    anchor = f"action-{action.id}"
                    self.targets[action.id] = Target(parent.page, anchor, anchor, action.title)
        # Catalogue IDs below a subclause (6.1.2, 9.2.1 ...) land where their subclause does.
        clause = next(spec for spec in SPECS if spec.catalog_type == "subclause")
        for req in catalog.of_type("subclause"):
            if req.id not in self.targets and (sub := catalog.subclause_of(req.id)) and sub in self.targets:
                parent = self.targets[sub]
                pack = _anchor(clause, sub)
                self.targets[req.id] = Target(parent.page, parent.anchor, pack, req.title)

    def _place_record(self, spec: KindSpec, record: Record, index: int) -> None:
        if spec.layout == "home":
            assert spec.home is not None
            self.targets[record.id] = Target(spec.home, f"record-{record.id}", spec.pack_anchor, record.doc.title)
            return
        if spec.layout == "register":
            assert spec.register_folder is not None
            page = register_page(spec.register_folder, index // self.page_size)
            target = Target(page, record.id, f"entry-{record.id}", record.doc.title or record.id)
            self.targets[record.id] = target
            return
        key = record.topic
        title = record.doc.title or self._catalog_title(key)
        target = Target(f"{spec.folder}/{key}.md", None, f"doc-{key}", title)
        self.targets[record.id] = target
        if key != record.id:
            self.targets[key] = target

    def _catalog_title(self, key: str) -> str:
        req = self.catalog.requirements.get(key)
        return req.title if req else key

    def target(self, key: str) -> Target | None:
        return self.targets.get(key.removeprefix(f"{self.catalog.id}:"))

    def label(self, key: str) -> str:
        found = self.target(key)
        return found.title if found else key.removeprefix(f"{self.catalog.id}:")

    # -- the two schemes ------------------------------------------------------

    def pack_href(self, key: str) -> str | None:
        found = self.target(key)
        return f"#{found.pack}" if found else None

    @functools.lru_cache(maxsize=262144)  # noqa: B019 - the linker lives for one build
    def site_href(self, key: str, from_src: str, use_directory_urls: bool = True) -> str | None:
        """URL of `key` as seen from the page `from_src`."""
        found = self.target(key)
        if found is None:
            return None
        url = relative_url(page_url(found.page, use_directory_urls), page_url(from_src, use_directory_urls))
        return f"{url}#{found.anchor}" if found.anchor else url

    def md_href(self, key: str, from_src: str) -> str | None:
        """A Markdown link target (a .md path the host can check) for `key`."""
        found = self.target(key)
        if found is None:
            return None
        rel = posixpath.relpath(found.page, posixpath.dirname(from_src) or ".")
        return f"{rel}#{found.anchor}" if found.anchor else rel


def catalog_entries(catalog: Catalog, spec: KindSpec) -> list[Requirement]:
    """The catalogue entries that have a page each under `spec` (all controls, or all subclauses)."""
    return list(catalog.controls if spec.catalog_type == "control" else catalog.subclauses)


def _anchor(spec: KindSpec, key: str) -> str:
    assert spec.catalog_anchor is not None
    return spec.catalog_anchor.format(id=key)


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
