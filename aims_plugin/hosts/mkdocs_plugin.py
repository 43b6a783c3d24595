"""MkDocs adapter: config, findings as MkDocs log messages, generated pages.

The hooks only orchestrate; the work is in load, checks, reports and render.
"""

from __future__ import annotations

import datetime as dt
import gc
import html
import os
from importlib import resources
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Link, Navigation, Section
from mkdocs.structure.pages import Page

from ..catalog import DEFAULT_FRAMEWORK, available_frameworks
from ..checks import run_checks
from ..files.history import SnapshotError
from ..files.load import load
from ..files.timeline import change_report
from ..model import Audience
from ..outputs.pack import make_pack, pack_settings
from ..outputs.site.plan import NavItem, SiteOptions, SitePlan
from ..register.findings import GAP_CODES, Finding, Severity
from ..register.records import Register
from ..reports.changes import ChangeReport

log = get_plugin_logger(__name__)

CSS_URI = "assets/aims/aims.css"


class AimsConfig(base.Config):
    content_dir = c.Type(str, default="content")
    audience = c.Choice([a.value for a in Audience], default=Audience.internal.value)
    organisation = c.Type(str, default="")
    scope = c.Type(str, default="")
    nav_section = c.Type(str, default="AI management system")
    strict_checks = c.Type(bool, default=False)
    page_size = c.Type(int, default=200)
    pdf = c.Type(bool, default=False)
    pdf_filename = c.Type(str, default="aims-pack.pdf")
    pdf_page_size = c.Choice(["a4", "letter"], default="a4")
    attach_evidence = c.Type(bool, default=False)
    pdfa = c.Type(bool, default=False)
    pdf_on_serve = c.Type(bool, default=False)
    changes_since = c.Type(str, default="")
    frameworks = c.ListOfItems(c.Choice([f for f in available_frameworks() if f != DEFAULT_FRAMEWORK]), default=[])


class AimsPlugin(BasePlugin[AimsConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.serving = False
        self.register: Register | None = None
        self.plan: SitePlan | None = None
        self.findings: list[Finding] = []

    # -- hooks ---------------------------------------------------------------

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        root = Path(config.config_file_path).parent
        self.content = root / self.config.content_dir
        if not self.content.is_dir():
            raise PluginError(f"aims: content folder not found: {self.content}")
        if self.config.page_size < 1:
            raise PluginError("aims: page_size must be at least 1")
        name = self.config.pdf_filename
        if not name.endswith(".pdf") or "/" in name or "\\" in name or name.startswith("."):
            raise PluginError(f"aims: pdf_filename must be a plain file name ending in .pdf, not {name!r}")
        self.root = root
        config.extra_css.append(CSS_URI)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        # Generating thousands of pages allocates millions of short-lived objects and few
        # cycles; the cyclic collector would rescan the whole register each time (measured:
        # 7,258 records, page generation 5.2 s with it, 3.5 s without).
        enabled = gc.isenabled()
        gc.disable()
        try:
            return self._generate(files, config)
        finally:
            if enabled:
                gc.enable()

    def _generate(self, files: Files, config: MkDocsConfig) -> Files:
        # Loaded here, not in on_config, so that `mkdocs serve` reloads the content on every rebuild.
        self.register = load(self.content, display_root=self.root, frameworks=self.config.frameworks)
        today = dt.date.today()
        self.findings = run_checks(self.register, today)
        for finding in self.findings:
            report(finding, strict=self.config.strict_checks)
        if self.register.history.notice:
            log.info(f"revision history: {self.register.history.notice}")
        options = SiteOptions(
            organisation=self.config.organisation,
            scope=self.config.scope,
            audience=self.config.audience,
            use_directory_urls=config.use_directory_urls,
            page_size=self.config.page_size,
            nav_section=self.config.nav_section,
            changes_since=self.config.changes_since,
        )
        view = self.register.visible_to(Audience(self.config.audience))
        self.plan = SitePlan(view, today, options, self._changes())
        css = resources.files("aims_plugin").joinpath("assets/aims.css").read_text(encoding="utf-8")
        outputs = [*self.plan.outputs()]
        for output in outputs:
            if files.get_file_from_path(output.src_uri) is not None:
                raise PluginError(
                    f"aims: docs/{output.src_uri} is also generated from the content folder; rename or remove it"
                )
            if output.source_file is not None:
                file = File.generated(config, output.src_uri, abs_src_path=os.fspath(output.source_file))
            else:
                file = File.generated(config, output.src_uri, content=output.content or "")
            file.inclusion = InclusionLevel.NOT_IN_NAV
            files.append(file)
        files.append(File.generated(config, CSS_URI, content=css))
        # Unknown [[ID]]s in content were reported by the checks (AIMS024).
        return files

    def _changes(self) -> ChangeReport | str | None:
        since = self.config.changes_since
        if not since:
            return None
        try:
            return change_report(
                self.content, since, None, display_root=self.root, audience=Audience(self.config.audience)
            )
        except SnapshotError as exc:
            history = self.register.history if self.register else None
            if history is not None and history.available and not history.shallow:
                log.warning(f"aims: changes_since: {exc}")  # a full repository: the setting itself is wrong
            else:
                log.info(f"changes since {since}: {exc}")  # no git, or a shallow clone: say so, still build
            return f"The change report is not available: {exc}."

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        assert self.plan is not None
        section = _to_nav(self.plan.nav(), files)
        if isinstance(section, Section):
            if self.config.pdf and not self.serving:
                pack = Link("Documentation pack (PDF)", self.config.pdf_filename)
                pack.parent = section
                section.children.insert(1, pack)
            nav.items.append(section)
            nav.pages.extend(_pages_of(section))
            for previous, page in zip(nav.pages, nav.pages[1:], strict=False):
                previous.next_page, page.previous_page = page, previous
        return nav

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        # Generated pages were expanded at generation; hand-written pages get [[ID]] links here.
        if page.file.generated_by or self.plan is None:
            return markdown
        before = len(self.plan.unresolved)
        out = self.plan.expand_refs(markdown, page.file.src_uri, f"{config.docs_dir}/{page.file.src_uri}", 1)
        for miss in self.plan.unresolved[before:]:
            log.warning(f"{_rel(miss.where, self.root)}:{miss.line}: unknown cross-reference [[{miss.ref}]]")
        return out

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if not self.config.pdf or (self.serving and not self.config.pdf_on_serve) or self.register is None:
            return
        # The pack inside the site is for the site's own audience, never wider.
        settings = pack_settings(
            dict(self.config),
            audience=self.config.audience,
            page_size=self.config.pdf_page_size,
        )
        out = Path(config.site_dir) / self.config.pdf_filename
        result = make_pack(self.register, self.content, out, settings, dt.date.today(), progress=log.debug)
        log.info(f"auditor pack: {self.config.pdf_filename} ({result.pages} pages, sha256 {result.sha256[:16]})")

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder) -> LiveReloadServer:
        server.watch(os.fspath(self.content))
        return server


def report(finding: Finding, *, strict: bool) -> None:
    """Broken content counts for `--strict`; work not done yet only with `strict_checks`."""
    if finding.severity == Severity.error:
        log.error(finding.format())
    elif finding.code not in GAP_CODES or strict:
        log.warning(finding.format())
    else:
        log.info(finding.format())


def _rel(path: str, root: Path) -> str:
    try:
        return Path(path).relative_to(root).as_posix()
    except ValueError:
        return path


def _to_nav(item: NavItem, files: Files) -> Section | Page | None:
    if item.src_uri is not None:
        file = files.get_file_from_path(item.src_uri)
        if file is None or file.page is None:
            return None
        if file.page.title is None:
            file.page.title = html.escape(item.title)  # themes print nav titles as HTML
        return file.page
    children = [child for child in (_to_nav(c, files) for c in item.children) if child is not None]
    if not children:
        return None
    section = Section(html.escape(item.title), children)
    for child in children:
        child.parent = section
    return section


def _pages_of(section: Section) -> list[Page]:
    out: list[Page] = []
    for child in section.children:
        if isinstance(child, Section):
            out += _pages_of(child)
        elif isinstance(child, Page):
            out.append(child)
    return out
