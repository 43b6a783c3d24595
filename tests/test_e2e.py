"""The example site in a real browser: navigate to the SoA and find a policy with the site search.

Material's search runs in a web worker that fetches search/search_index.json, so the built site
is served over HTTP (not file://) from a local server on a free port.
"""

from __future__ import annotations

import functools
import re
import shutil
import threading
import time
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 15_000

pytestmark = pytest.mark.e2e


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def _front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    _, block, _ = text.split("---\n", 2)
    return yaml.safe_load(block)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example project (content/, docs/, mkdocs.yml) built once for real with MkDocs."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    project = tmp_path_factory.mktemp("e2e") / "example"
    for name in ("content", "docs"):
        shutil.copytree(REPO / name, project / name)
    # The browser needs the site, not the PDF pack (tests/test_pdf.py covers that).
    yml = (REPO / "mkdocs.yml").read_text(encoding="utf-8").replace("pdf: true", "pdf: false")
    (project / "mkdocs.yml").write_text(yml, encoding="utf-8")
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(project / "site"), strict=True)
    build(config)
    return project / "site"


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    """The built site served on 127.0.0.1 at a free port, in a daemon thread."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser(site: Path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser, base_url: str):
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def _search_result(page, heading: re.Pattern[str]):
    """The first search result whose page heading matches; Material renders 10 results, more on scroll."""
    from playwright.sync_api import expect

    items = page.locator(".md-search-result__item")
    matches = items.filter(has=page.locator("article h1", has_text=heading))
    expect(items.first).to_be_visible()
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while matches.count() == 0:
        if time.monotonic() > deadline:
            shown = items.locator("article h1").all_inner_texts()
            raise AssertionError(f"no search result headed {heading.pattern!r} among {shown}")
        page.locator(".md-search__scrollwrap").evaluate("el => el.scrollTo(0, el.scrollHeight)")
        page.wait_for_timeout(250)
    result = matches.first
    result.scroll_into_view_if_needed()
    return result


def test_navigation_leads_to_the_statement_of_applicability(page):
    from playwright.sync_api import expect

    page.goto("", wait_until="domcontentloaded")
    # The primary navigation in the sidebar; navigation.sections renders the sections expanded on wide screens.
    link = page.locator("nav.md-nav--primary").get_by_role("link", name="Statement of Applicability", exact=True)
    expect(link).to_be_visible()
    link.click()

    page.wait_for_url(re.compile(r"/statement-of-applicability/$"), wait_until="domcontentloaded")
    expect(page).to_have_title(re.compile(r"^Statement of Applicability\b"))
    expect(page.locator("article h1")).to_have_text("Statement of Applicability")
    rows = page.locator('article table tr[id^="A."]')
    expect(rows).to_have_count(38)


def test_search_finds_a_policy_by_its_title(page):
    from playwright.sync_api import expect

    meta = _front_matter(REPO / "content/policies/POL-001.md")
    doc_id, title = meta["id"], meta["title"]

    page.goto("", wait_until="domcontentloaded")
    # On wide screens the search box sits in the header; on narrow ones it opens from the search icon.
    query = page.locator('input[data-md-component="search-query"]')
    if not query.is_visible():
        page.locator('label[for="__search"]:visible').first.click()
    query.click()
    expect(query).to_be_focused()
    query.press_sequentially(title, delay=20)

    # A result's page heading is the page title, "<id> <title>"; other policies' titles may contain this one
    # ("Data Governance for AI Policy"), so match the whole heading rather than any text.
    heading = re.compile(rf"^\s*(?:{re.escape(doc_id)}\s+)?{re.escape(title)}\s*$")
    result = _search_result(page, heading)
    result.locator("a.md-search-result__link").first.click()

    # search.highlight appends ?h=<terms> to the result's address.
    page.wait_for_url(re.compile(rf"/policies/{re.escape(doc_id)}/([?#].*)?$"), wait_until="domcontentloaded")
    assert f"policies/{doc_id}/" in page.url
    expect(page.locator("article h1")).to_contain_text(title)
