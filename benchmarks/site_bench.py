"""Time `mkdocs build` with the aims plugin against bare MkDocs building as many ordinary pages.

    python -m benchmarks.site_bench [--quick] [--repeat 1]

Measured in the same run:
  * the example site (the repository's own mkdocs.yml, content/ and docs/), built with the plugin
    as configured (with `pdf: true` that includes writing the PDF pack, shown as on_post_build);
  * a synthetic AIMS (20 systems, 2,000 risks, 5,000 evidence, 200 policies; `--quick`: 10x fewer),
    built with the plugin;
  * the baseline a user compares with: bare MkDocs + Material building the same number of
    ordinary hand-written pages (a heading, paragraphs, a list and a small table each, like a
    policy), in a nav of the same shape, with the `search` plugin and aims.css, no aims plugin;
  * the time spent in the plugin's hooks inside the plugin build, and the plugin's own phases
    once (load, checks, reports, outputs, nav), to show where the time goes.

Builds go through MkDocs' Python API (load_config + build, as `mkdocs build` does), so process
start-up is not counted. The example is built first, which also warms the imports of the theme,
the search plugin and Markdown for the builds that follow.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import gc
import html
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from aims_plugin.hosts.build import Build
from aims_plugin.hosts.mkdocs_plugin import CSS_URI, AimsPlugin
from aims_plugin.hosts.settings import Settings
from aims_plugin.outputs.site.nav import NavItem, site_nav
from aims_plugin.outputs.site.pages import Download, Page, SiteOptions, SitePlan

from .synth import generate

REPO = Path(__file__).resolve().parent.parent

#: Targets the project has set (printed, not asserted).
TARGET_RATIO = 2.0
TARGET_SECONDS = 60.0

FULL = {"systems": 20, "risks": 2000, "evidence": 5000, "policies": 200}
QUICK = {"systems": 2, "risks": 200, "evidence": 500, "policies": 20}


class WarningCounter(logging.Handler):
    """Counts MkDocs' warnings and errors (and keeps a few) instead of printing them."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.count = 0
        self.first: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        if len(self.first) < 3:
            self.first.append(f"{record.levelname}: " + " ".join(record.getMessage().split())[:160])


#: The MkDocs events the aims plugin handles (on_files does its work; on_post_build writes the PDF pack, if enabled).
HOOKS = tuple(name for name in vars(AimsPlugin) if name.startswith("on_") and callable(getattr(AimsPlugin, name)))


@contextlib.contextmanager
def hook_timer() -> Iterator[dict[str, float]]:
    """Seconds spent in each of the plugin's hooks during the builds inside the block.

    Measured inside the plugin build itself, so unlike the difference of two builds
    it is not blurred by run-to-run noise.
    """
    totals = dict.fromkeys(HOOKS, 0.0)
    originals = {name: getattr(AimsPlugin, name) for name in HOOKS}

    def timed(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                totals[name] += time.perf_counter() - start

        return wrapper

    for name, method in originals.items():
        setattr(AimsPlugin, name, timed(name, method))
    try:
        yield totals
    finally:
        for name, method in originals.items():
            setattr(AimsPlugin, name, method)


def mkdocs_build(config_file: Path, site_dir: Path) -> tuple[float, WarningCounter]:
    """One `mkdocs build` in process: seconds and the warnings it logged."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    logger = logging.getLogger("mkdocs")
    counter = WarningCounter()
    logger.addHandler(counter)
    logger.setLevel(logging.INFO)  # as the CLI does, so info-level messages cost what they cost there
    try:
        gc.collect()  # no collection made due by the build before (see timing.timed)
        start = time.perf_counter()
        cfg = load_config(config_file=os.fspath(config_file), site_dir=os.fspath(site_dir), strict=False)
        cfg.plugins.on_startup(command="build", dirty=False)
        try:
            build(cfg, dirty=False)
        finally:
            cfg.plugins.on_shutdown()
        seconds = time.perf_counter() - start
    finally:
        logger.removeHandler(counter)
    return seconds, counter


def html_pages(site_dir: Path) -> int:
    return sum(1 for _ in site_dir.rglob("*.html"))


def read_config(config_file: Path) -> dict[str, Any]:
    return yaml.safe_load(config_file.read_text(encoding="utf-8"))


def aims_options(config: dict[str, Any]) -> dict[str, Any]:
    for entry in config.get("plugins", []):
        if isinstance(entry, dict) and "aims" in entry:
            return entry["aims"] or {}
        if entry == "aims":
            return {}
    raise SystemExit("no aims plugin in mkdocs.yml")


def plan_site(
    root: Path, config: dict[str, Any], use_directory_urls: bool
) -> tuple[list[Page | Download], NavItem, dict[str, float]]:
    """The plugin's own work, as its on_files hook does it, phase by phase."""
    settings = Settings.model_validate(aims_options(config))
    assert not settings.pdf, "the bare baseline has no PDF pack; benchmark a site without `pdf: true`"
    phases: dict[str, float] = {}

    def timed(name: str, fn: Callable[[], Any]) -> Any:
        start = time.perf_counter()
        out = fn()
        phases[name] = time.perf_counter() - start
        return out

    # What the plugin uses, so the bare pages are the pages it builds today.
    build = Build(root, settings, dt.date.today())
    timed("load", lambda: build.register)
    timed("checks", lambda: build.findings)
    reports = timed("reports", lambda: build.reports(settings.audience))
    options = SiteOptions(
        audience=settings.audience.value,
        use_directory_urls=use_directory_urls,
        page_size=settings.page_size,
        nav_section=settings.nav_section,
    )
    plan = timed("SitePlan()", lambda: SitePlan(reports, options))
    outputs = timed("outputs()", lambda: list(plan.outputs()))
    nav = timed("nav()", lambda: site_nav(plan))
    return outputs, nav, phases


ORDINARY_PAGE = """# {title}

This page sets out how the organisation handles {topic}. It applies to every team that
designs, buys, builds or runs an AI system, and to the people who review that work.

## Purpose

The aim is to make decisions about {topic} traceable: who decided, on what evidence, and
when the decision will be looked at again. Owners keep this page current.

## What we do

- Record each decision with its reason and its owner.
- Review the record at least once a year, or after an incident.
- Keep the evidence next to the record, so an auditor can follow it.

| Step | Who | When |
|---|---|---|
| Propose | the system owner | before design starts |
| Review | the AI risk lead | within two weeks |
| Approve | the AI governance board | at its next meeting |

Questions go to the AIMS owner, who answers them in writing.
"""


def nav_entry(item: NavItem, pages: set[str]) -> dict[str, Any] | None:
    """A NavItem as MkDocs nav YAML, dropping what the plugin's _to_nav drops."""
    title = html.escape(item.title)  # as the plugin does: themes print nav titles as HTML
    if item.src_uri is not None:
        return {title: item.src_uri} if item.src_uri in pages else None
    children = [e for e in (nav_entry(c, pages) for c in item.children) if e is not None]
    return {title: children} if children else None


def bare_tree(root: Path, bare: Path) -> tuple[Path, dict[str, float], int, str]:
    """As many ordinary Markdown pages as the plugin generates, in a nav of the same shape, without the plugin."""
    config = read_config(root / "mkdocs.yml")
    outputs, plan_nav, phases = plan_site(root, config, config.get("use_directory_urls", True))
    docs_dir = config.get("docs_dir", "docs")
    docs = bare / docs_dir
    shutil.copytree(root / docs_dir, docs)
    hand_written = sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*.md"))
    pages: set[str] = set()
    for number, output in enumerate(outputs):
        if not isinstance(output, Page):
            continue
        target = docs / output.src_uri
        assert not target.exists(), f"{output.src_uri} is both hand-written and generated"
        target.parent.mkdir(parents=True, exist_ok=True)
        topic = ("model review", "data quality", "human oversight", "supplier checks")[number % 4]
        target.write_text(ORDINARY_PAGE.format(title=f"Page {number}: {topic}", topic=topic), encoding="utf-8")
        pages.add(output.src_uri)
    css = docs / CSS_URI
    css.parent.mkdir(parents=True, exist_ok=True)
    css.write_text(resources.files("aims_plugin").joinpath("assets/aims.css").read_text(encoding="utf-8"))

    plugins = [p for p in config.get("plugins", []) if p != "aims" and not (isinstance(p, dict) and "aims" in p)]
    config["plugins"] = plugins
    config["extra_css"] = [*config.get("extra_css", []), CSS_URI]
    if config.get("nav"):
        nav, how = list(config["nav"]), "explicit nav: the site's own nav + the plugin's nav tree"
    else:
        # With no nav, MkDocs lists the hand-written pages (generated pages are NOT_IN_NAV) in order, index first.
        hand_written.sort(key=lambda p: (p != "index.md", p))
        nav, how = list(hand_written), "explicit nav: the hand-written pages + the plugin's nav tree"
    section = nav_entry(plan_nav, pages)
    if section is not None:
        nav.append(section)
    config["nav"] = nav
    config_file = bare / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return config_file, phases, len(pages), how


def best_of(results: list[tuple[float, Any]]) -> tuple[float, Any]:
    return min(results, key=lambda r: r[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10x fewer records: a fast smoke run")
    parser.add_argument("--repeat", type=int, default=1, help="best of N builds of each site")
    args = parser.parse_args()
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    sizes = QUICK if args.quick else FULL

    with tempfile.TemporaryDirectory(prefix="site_bench_") as tmp:
        tmp_root = Path(tmp)

        # 1. The example site.
        example = tmp_root / "example"
        example.mkdir()
        shutil.copytree(REPO / "content", example / "content")
        shutil.copytree(REPO / "docs", example / "docs")
        shutil.copyfile(REPO / "mkdocs.yml", example / "mkdocs.yml")
        ex_runs = []
        for _ in range(args.repeat):
            with hook_timer() as ex_hooks:
                seconds, counter = mkdocs_build(example / "mkdocs.yml", tmp_root / "example-site")
            ex_runs.append((seconds, (counter, ex_hooks)))
        t_example, (ex_warn, ex_hooks) = best_of(ex_runs)
        ex_pdf = bool(aims_options(read_config(example / "mkdocs.yml")).get("pdf"))
        ex_pages = html_pages(tmp_root / "example-site")

        # 2. The synthetic AIMS, and 3. the same pages written by hand.
        synth = tmp_root / "synth"
        records = generate(synth, **sizes)
        bare = tmp_root / "bare"
        bare.mkdir()
        bare_config, phases, md_pages, nav_how = bare_tree(synth, bare)

        plugin_runs, bare_runs = [], []
        for _ in range(args.repeat):  # interleaved, so neither side gets all the warm caches
            with hook_timer() as hooks:
                seconds, counter = mkdocs_build(synth / "mkdocs.yml", tmp_root / "plugin-site")
            plugin_runs.append((seconds, (counter, hooks)))
            bare_runs.append(mkdocs_build(bare_config, tmp_root / "bare-site"))
        t_plugin, (plugin_warn, hooks) = best_of(plugin_runs)
        t_bare, bare_warn = best_of(bare_runs)
        plugin_pages = html_pages(tmp_root / "plugin-site")
        bare_pages = html_pages(tmp_root / "bare-site")
        assert plugin_pages == bare_pages, (plugin_pages, bare_pages)

    overhead = t_plugin - t_bare
    in_hooks = sum(hooks.values())
    phase_total = sum(phases.values())

    def row(label: str, value: object, note: str) -> str:
        return f"{label:<42}{value!s:>9}   {note}".rstrip()

    label = "quick: 10x fewer records" if args.quick else "full"
    print(f"site build benchmark ({label}; best of {args.repeat}; in-process mkdocs build)")
    print()
    print(row("example site, build with plugin", f"{t_example:.2f} s", f"{ex_pages} HTML pages"))
    print(row("  warnings", ex_warn.count, "; ".join(ex_warn.first)))
    print(row("  in aims hooks", f"{sum(ex_hooks.values()):.2f} s", ""))
    for name, seconds in ex_hooks.items():
        if seconds >= 0.005:
            note = "(writes the PDF pack: pdf: true in mkdocs.yml)" if name == "on_post_build" and ex_pdf else ""
            print(row(f"    {name}", f"{seconds:.2f} s", note))
    print()
    print(row("synthetic AIMS, records", records, ""))
    print(row("  generated pages", md_pages, f"bare side: as many ordinary pages; {nav_how}"))
    print(row("  HTML pages, plugin / bare", f"{plugin_pages}/{bare_pages}", "(asserted equal)"))
    print(row("  warnings, plugin / bare", f"{plugin_warn.count}/{bare_warn.count}", "; ".join(plugin_warn.first)))
    target = "target < 60 s" if records >= 7000 else "(target < 60 s applies to the full 7,200 records)"
    print(row("plugin build (mkdocs + aims)", f"{t_plugin:.2f} s", target))
    print(row("bare mkdocs build, ordinary pages", f"{t_bare:.2f} s", "same number of pages, same theme and search"))
    print(row("ratio plugin / bare", f"{t_plugin / t_bare:.2f}x", f"target <= {TARGET_RATIO:.1f}x"))
    print(row("plugin overhead, plugin - bare", f"{overhead:.2f} s", f"{overhead / t_bare:+.0%} of bare"))
    print(
        row(
            "time in aims hooks, same plugin build",
            f"{in_hooks:.2f} s",
            f"{in_hooks / (t_plugin - in_hooks):+.0%} of the rest of that build (overhead without run-to-run noise)",
        )
    )
    for name, seconds in hooks.items():
        if seconds >= 0.005:
            print(row(f"  {name}", f"{seconds:.2f} s", ""))
    outside = t_plugin - in_hooks
    print(
        row(
            "rest of that build, outside aims hooks",
            f"{outside:.2f} s",
            f"{outside / t_bare:.2f}x bare: MkDocs and Material converting, indexing and writing the records' pages",
        )
    )
    print()
    print("plugin phases, measured once outside mkdocs:")
    for name, seconds in phases.items():
        print(row(f"  {name}", f"{seconds:.2f} s", ""))
    print(row("  total", f"{phase_total:.2f} s", f"{phase_total / t_bare:.0%} of bare"))


if __name__ == "__main__":
    main()
