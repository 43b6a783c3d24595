"""MkDocs adapter: settings, findings as MkDocs log messages, generated pages, the pack.

The hooks only orchestrate; the work is in files, checks, reports and outputs.
Generated pages reach MkDocs as the records' Markdown bodies with a marker
where each finished HTML block goes; `on_page_content` puts the blocks in, so
the generated HTML is never parsed by Markdown, and search indexes only the
lean part of it (titles, IDs, key fields and the bodies).
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
from importlib import resources
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Link, Navigation, Section
from mkdocs.structure.pages import Page
from pydantic import ValidationError

from ..outputs.site.nav import NavItem, site_nav
from ..outputs.site.pages import MARKER, Download, Html, SiteOptions, SitePlan
from ..outputs.site.pages import Page as GeneratedPage
from ..present.templates import OVERRIDES, Templates, yaml_title
from ..register import collector
from ..register.findings import GAP_CODES, Finding, Severity
from .build import Build
from .project import lost_by_inherit, unknown_framework
from .settings import Settings, describe

log = get_plugin_logger(__name__)

CSS_URI = "assets/aims/aims.css"
JS_URI = "assets/aims/aims.js"
#: Where a hand-written page wants the generated home-page doors (staff, AIMS owner, auditors).
HOME_MARKER = "<!-- aims:home -->"


_ID = re.compile(r'\bid="([^"]+)"')


class _Setting(c.BaseConfigOption[Any]):
    """An option whose value the settings model validates, with all the others, in `on_config`."""

    def __init__(self, default: Any) -> None:
        super().__init__()
        self.default = default

    def run_validation(self, value: object) -> object:
        return value


#: The plugin's config: one option per field of `Settings`, nothing else.
AimsConfig = type(
    "AimsConfig",
    (base.Config,),
    {name: _Setting(info.get_default(call_default_factory=True)) for name, info in Settings.model_fields.items()},
)


class AimsPlugin(BasePlugin[AimsConfig]):  # type: ignore[valid-type]
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.serving = False
        #: The pack written with the site by the last build, if any (for `aims build`'s summary).
        self.pack_result = None
        self.build: Build | None = None
        self.plan: SitePlan | None = None
        self.pages: dict[str, GeneratedPage] = {}
        self._full: dict[str, str] = {}

    # -- hooks ---------------------------------------------------------------

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        try:
            self.settings = Settings.model_validate(dict(self.config))
        except ValidationError as exc:
            raise PluginError("aims: " + "; ".join(describe(p) for p in exc.errors(include_url=False))) from None
        root = Path(config.config_file_path).parent
        self.root = root
        self.content = root / self.settings.content_dir
        if not self.content.is_dir():
            raise PluginError(f"aims: content folder not found: {self.content}")
        lost = lost_by_inherit(Path(config.config_file_path))
        if lost:
            raise PluginError(
                f"aims: {Path(config.config_file_path).name} INHERITs a file whose plugins are a list, which MkDocs "
                f"replaces whole: the options {', '.join(lost)} would be lost. Write that file's plugins as a "
                "mapping (plugins: {search: {}, aims: {...}}), which MkDocs merges."
            )
        problem = unknown_framework(self.root, list(self.settings.frameworks))
        if problem:
            raise PluginError(f"aims: {problem}")
        custom_dir = config.theme.custom_dir
        self.templates = Templates(Path(custom_dir) / OVERRIDES if custom_dir else None)
        config.extra_css.append(CSS_URI)
        config.extra_javascript.append(JS_URI)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        # Reading, checking and generating pages as one pause of the collector (measured: 7,258
        # records, page generation 5.2 s with it running, 3.5 s without).
        with collector.paused():
            return self._generate(files, config)

    def _generate(self, files: Files, config: MkDocsConfig) -> Files:
        # A new build each time, not in on_config, so that `mkdocs serve` reads the content again.
        settings = self.settings
        self.build = build = Build(self.root, settings, dt.date.today())
        for finding in build.findings:
            report(finding, strict=settings.strict_checks)
        if build.register.history.notice:
            log.info(f"revision history: {build.register.history.notice}")
        reports = build.reports(settings.audience)
        if build.change_problem is not None:
            history = build.register.history
            if history.available and not history.shallow:
                log.warning(f"aims: changes_since: {build.change_problem}")  # a full repository: the setting is wrong
            else:
                log.info(f"changes since {settings.changes_since}: {build.change_problem}")  # no git, or shallow
        options = SiteOptions(
            organisation=settings.organisation,
            scope=settings.scope,
            audience=settings.audience.value,
            use_directory_urls=config.use_directory_urls,
            page_size=settings.page_size,
            nav_section=settings.nav_section,
            changes_since=settings.changes_since,
            pack_file=settings.pdf_filename if settings.pdf and not self.serving else "",
            tags_plugin="material/tags" in config.plugins or "tags" in config.plugins,
        )
        self.plan = SitePlan(reports, options, self.templates)
        self.pages = {}
        for output in self.plan.outputs():
            if files.get_file_from_path(output.src_uri) is not None:
                raise PluginError(
                    f"aims: docs/{output.src_uri} is also generated from the content folder; rename or remove it"
                )
            if isinstance(output, Download) and output.source_file is not None:
                file = File.generated(config, output.src_uri, abs_src_path=os.fspath(output.source_file))
            elif isinstance(output, Download):
                file = File.generated(config, output.src_uri, content=output.content or "")
            else:
                self.pages[output.src_uri] = output
                hide = "hide:\n  - toc\n" if output.wide else ""
                tags = "".join(f"\n  - {yaml_title(tag)}" for tag in output.tags)
                tags = f"tags:{tags}\n" if tags else ""
                head = f"---\ntitle: {yaml_title(output.title)}\n{hide}{tags}---\n\n"
                file = File.generated(config, output.src_uri, content=head + output.markdown)
            file.inclusion = InclusionLevel.NOT_IN_NAV
            files.append(file)
        if files.get_file_from_path("index.md") is None:
            # No home page of the site's own: the generated one, with its doors for each audience.
            home = GeneratedPage("index.md", settings.organisation or config.site_name, [self.plan.home()])
            self.pages[home.src_uri] = home
            head = f"---\ntitle: {yaml_title(home.title)}\nhide:\n  - navigation\n  - toc\n---\n\n"
            files.append(File.generated(config, home.src_uri, content=head + home.markdown))
        assets = resources.files("aims_plugin").joinpath("assets")
        for uri in (CSS_URI, JS_URI):
            text = assets.joinpath(uri.rsplit("/", 1)[1]).read_text(encoding="utf-8")
            files.append(File.generated(config, uri, content=text))
        # Unknown [[ID]]s in content were reported by the checks (AIMS024).
        return files

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        assert self.plan is not None
        section = _to_nav(site_nav(self.plan), files)
        if isinstance(section, Section):
            if self.settings.pdf and not self.serving:
                pack = Link("Documentation pack (PDF)", self.settings.pdf_filename)
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
        if HOME_MARKER in out:  # a home page of the site's own takes the generated doors where it says
            out = out.replace(HOME_MARKER, "\n\n" + self.plan.home(page.file.src_uri).text + "\n\n", 1)
        return out

    def on_page_content(self, html_text: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        generated = self.pages.get(page.file.src_uri) if page.file.generated_by else None
        if generated is None:
            return html_text
        blocks = generated.html_blocks
        full, lean = _fill(html_text, blocks, lambda b: b.text), _fill(html_text, blocks, lambda b: b.search)
        if page.present_anchor_ids is not None:  # for MkDocs' check of links to anchors
            page.present_anchor_ids |= {html.unescape(i) for b in blocks for i in _ID.findall(b.text)}
        self._full[page.file.src_uri] = full
        return lean  # what search indexes, in on_page_context; the page gets `full` after it

    @event_priority(-100)  # after the search plugin has indexed the lean content
    def on_page_context(self, context: Any, *, page: Page, config: MkDocsConfig, nav: Navigation) -> Any:
        full = self._full.pop(page.file.src_uri, None)
        if full is not None:
            page.content = full
        return context

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        settings = self.settings
        if not settings.pdf or (self.serving and not settings.pdf_on_serve) or self.build is None:
            return
        from ..outputs.pack import PackOptions, make_pack  # WeasyPrint only when a pack is built
        from ..outputs.pack.compose import pack_name

        # The pack inside the site is for the site's own audience, never wider.
        audience = settings.pack_audience()
        options = PackOptions(
            organisation=settings.organisation,
            scope=settings.scope,
            audience=audience,
            page_size=settings.pdf_page_size,
            changes_since=settings.changes_since,
        )
        out = Path(config.site_dir) / settings.pdf_filename
        result = make_pack(
            self.build.reports(audience),
            out,
            options,
            templates=self.templates,
            attach_evidence=settings.attach_evidence,
            pdfa=settings.pdfa,
            progress=log.debug,
        )
        name = pack_name(settings.pack_audience())
        log.info(f"{name}: {settings.pdf_filename} ({result.pages} pages, sha256 {result.sha256[:16]})")
        self.pack_result = result

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        server.watch(os.fspath(self.content))
        if self.templates.overrides is not None:
            server.watch(os.fspath(self.templates.overrides))
        return server


def _fill(converted: str, blocks: list[Html], text: Any) -> str:
    """The converted Markdown with each marker replaced by its block's text, in order."""
    parts = converted.split(MARKER)
    if len(parts) != len(blocks) + 1:
        raise PluginError(f"aims: a generated page lost its layout ({len(parts) - 1} markers for {len(blocks)} blocks)")
    out = [parts[0]]
    for block, part in zip(blocks, parts[1:], strict=True):
        out += [text(block), part]
    return "".join(out)


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
