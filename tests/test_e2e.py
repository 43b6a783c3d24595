"""The example site in a real browser: navigation, search, layout at phone and desktop widths,
sorting and filtering, requests, and accessibility (axe-core) in the light and the dark scheme.

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
    # The home page's tabs lead to the AIMS; its sidebar (navigation.sections) lists the generated views.
    page.locator("nav.md-tabs").get_by_role("link", name="AI management system").click()
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


AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
#: One page of every kind the plugin generates, and the home page.
PAGE_KINDS = [
    "",
    "readiness/",
    "statement-of-applicability/",
    "stage-1-index/",
    "coverage/",
    "frameworks/nist-ai-rmf/",
    "risk-register/",
    "evidence-index/",
    "ai-systems/",
    "policies/",
    "policies/POL-001/",
    "procedures/PRC-004/",
    "controls/A.6.2.4/",
    "clauses/6.1/",
    "systems/SYS-001/",
    "audits/",
    "roles-and-competence/",
    "roles/ROLE-04/",
    "training-records/",
    "required-reading/",
    "acknowledgements/",
]


@pytest.fixture
def browse(browser, base_url: str):
    """A page at a given width and colour scheme: browse(width, scheme)."""
    contexts = []

    def open_page(width: int = 1280, scheme: str = "light"):
        context = browser.new_context(base_url=base_url, viewport={"width": width, "height": 900}, color_scheme=scheme)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def _axe(page, *, rules: list[str] | None = None, include: str | None = None) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    options = (
        {"runOnly": {"type": "rule", "values": rules}} if rules else {"runOnly": {"type": "tag", "values": WCAG_AA}}
    )
    script = """async ([options, include]) => {
        const result = await axe.run(include ? {include: [include]} : document, options);
        return result.violations.map(v => ({
            id: v.id, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + ": " + n.failureSummary),
        }));
    }"""
    return page.evaluate(script, [options, include])


@pytest.mark.parametrize("width", [390, 1280])
def test_no_generated_page_scrolls_sideways(browse, site, width):
    page = browse(width)
    for path in PAGE_KINDS:
        assert (site / path / "index.html").exists(), path
        page.goto(path, wait_until="load")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"/{path} scrolls sideways by {overflow}px at {width}px"


def test_id_links_render_on_one_line(browse):
    page = browse(390)
    for path in ("statement-of-applicability/", "risk-register/", "policies/POL-001/"):
        page.goto(path, wait_until="load")
        broken = page.evaluate(
            "[...document.querySelectorAll('article .aims-id')].filter(e => e.getClientRects().length > 1)"
            ".map(e => e.textContent)"
        )
        assert page.locator("article .aims-id").count() > 0, path
        assert broken == [], f"/{path}: IDs broken over lines: {broken[:5]}"


def test_sorting_reorders_rows_and_filtering_hides_them(browse):
    from playwright.sync_api import expect

    page = browse(1280)
    page.goto("statement-of-applicability/", wait_until="load")
    rows = page.locator("table.aims-soa-table tbody tr:not(.aims-group)")
    first = rows.first.get_attribute("id")
    control = page.locator("table.aims-soa-table thead").get_by_role("button", name="Control")
    control.click()
    expect(page.locator("table.aims-soa-table thead th").first).to_have_attribute("aria-sort", "ascending")
    control.click()
    expect(page.locator("table.aims-soa-table thead th").first).to_have_attribute("aria-sort", "descending")
    ids = [rows.nth(i).get_attribute("id") for i in range(rows.count())]
    # Descending in natural order: A.10.4 before A.9.4 (text order would put A.9.4 first).
    assert ids[0] != first and ids.index("A.10.4") < ids.index("A.9.4") < ids.index("A.2.2")
    assert page.locator("table.aims-soa-table tr.aims-group:visible").count() == 0  # groups stand aside

    page.goto("evidence-index/", wait_until="load")
    box = page.get_by_label("Filter rows")
    box.fill("CreditLens")
    visible = page.locator("table.aims-sortable tbody tr:visible")
    expect(visible.first).to_be_visible()
    texts = visible.all_inner_texts()
    total = page.locator("table.aims-sortable tbody tr").count()
    assert 0 < len(texts) < total and all("creditlens" in t.lower() for t in texts)
    expect(page.get_by_role("status").first).to_have_text(f"{len(texts)} of {total} rows")


def test_pages_make_no_request_outside_the_site(browse, base_url):
    page = browse(1280)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    for path in ("", "statement-of-applicability/", "policies/POL-001/"):
        page.goto(path, wait_until="networkidle")
    outside = [url for url in requests if not url.startswith(base_url) and not url.startswith("data:")]
    assert requests and outside == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_table_headers_and_badges_meet_contrast_in_both_schemes(browse, scheme):
    page = browse(1280, scheme)
    for path in ("statement-of-applicability/", "risk-register/", "readiness/"):
        page.goto(path, wait_until="load")
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == (
            "slate" if scheme == "dark" else "default"
        )
        found = _axe(page, rules=["color-contrast"], include="article")
        assert found == [], f"/{path} ({scheme}): {found}"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_main_pages_pass_the_accessibility_engine(browse, scheme):
    page = browse(1280, scheme)
    for path in (
        "",
        "readiness/",
        "statement-of-applicability/",
        "risk-register/",
        "policies/POL-001/",
        "controls/A.6.2.4/",
        "roles-and-competence/",
        "acknowledgements/",
    ):
        page.goto(path, wait_until="load")
        found = _axe(page)
        assert found == [], f"/{path} ({scheme}): {found}"


def test_searching_an_id_finds_that_record_first(browse):
    from playwright.sync_api import expect

    page = browse(1280)
    page.goto("", wait_until="domcontentloaded")
    query = page.locator('input[data-md-component="search-query"]')
    query.click()
    # Material says "Initializing search" until its worker has built the index from the site's.
    expect(page.locator(".md-search-result__meta")).not_to_have_text(re.compile("Initializing"))
    query.press_sequentially("RSK-003", delay=30)
    expect(query).to_have_value("RSK-003")
    first = page.locator(".md-search-result__item").first
    expect(first).to_contain_text("RSK-003")


def test_a_shortened_hash_shows_and_copies_its_full_value(browser, base_url):
    context = browser.new_context(base_url=base_url, permissions=["clipboard-read", "clipboard-write"])
    try:
        page = context.new_page()
        page.goto("evidence-index/", wait_until="load")
        code = page.locator("code.aims-hash[data-copy]").first
        full = code.get_attribute("data-copy")
        assert re.fullmatch(r"[0-9a-f]{64}", full or "") and code.inner_text() == f"{full[:12]}…"
        assert code.get_attribute("title") == f"SHA-256 {full}"
        page.get_by_role("button", name="Copy the full SHA-256").first.click()
        assert page.evaluate("navigator.clipboard.readText()") == full
    finally:
        context.close()
