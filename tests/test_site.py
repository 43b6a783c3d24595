"""The MkDocs site built for real from small AIMS trees: views, links, audiences, escaping."""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from aims_plugin.catalog import load_catalog

from .conftest import APPROVED, build_site, complete_files, front, site_config


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            if (name in ("href", "src") and value and tag != "link") or (tag == "link" and name == "href" and value):
                self.hrefs.append(value)


def parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def broken_links(site: Path) -> list[str]:
    """Every relative href in every page that does not land on a file (and anchor)."""
    # 404.html is served from any depth, so MkDocs writes it with absolute paths.
    parsed = {p: parse(p) for p in site.rglob("*.html") if p.name != "404.html"}
    broken = []
    for page, links in parsed.items():
        for href in links.hrefs:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or href.startswith(("mailto:", "javascript:")):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(site)} -> {href}")
            elif target in parsed and parts.fragment and unquote(parts.fragment) not in parsed[target].ids:
                broken.append(f"{page.relative_to(site)} -> {href} (no anchor)")
    return broken


def example_tree(tree, **extra):
    files = complete_files()
    files["content/risks/RSK-1.md"] = front(
        id="RSK-1",
        title="Biased scores",
        likelihood=4,
        impact=5,
        residual_likelihood=2,
        residual_impact=3,
        treatment="mitigate",
        controls=["A.5.4"],
        owner="Risk owner",
    )
    files["content/risks/RSK-2.md"] = front(id="RSK-2", title="Drift", likelihood=4, impact=5, controls=["A.6.2.6"])
    files["content/controls/A.10.4.md"] = front(
        control="A.10.4", applicable=False, justification="We do not supply AI to customers.", owner="Owner", **APPROVED
    )
    files["content/controls/A.5.4.md"] = front(
        control="A.5.4",
        applicable=True,
        justification="Credit decisions affect people.",
        implementation="in_progress",
        owner="Owner",
        risks=["RSK-1"],
        body="See [[POL-1]] and [[RSK-1]].\n",
        **APPROVED,
    )
    files.update(extra)
    return tree(files)


def test_soa_lists_all_38_controls_in_order_with_downloads(tree):
    site = build_site(example_tree(tree))
    html = (site / "statement-of-applicability/index.html").read_text(encoding="utf-8")
    ids = re.findall(r'<tr id="(A\.[0-9.]+)"', html)
    assert ids == [c.id for c in load_catalog().controls]
    assert 'class="aims-excluded"' in html and "We do not supply AI to customers." in html
    rows = list(csv.DictReader(io.StringIO((site / "statement-of-applicability.csv").read_text(encoding="utf-8"))))
    assert len(rows) == 38
    a104 = next(r for r in rows if r["control"] == "A.10.4")
    assert (a104["applicable"] == "false" and a104["implementation"] == "implemented") or a104["applicable"] == "false"
    a54 = next(r for r in rows if r["control"] == "A.5.4")
    assert (a54["implementation"], a54["risks"]) == ("in_progress", "RSK-1")
    data = json.loads((site / "statement-of-applicability.json").read_text(encoding="utf-8"))
    assert [c["control"] for c in data["controls"]] == [r["control"] for r in rows]
    # Counts on top: 37 applicable (1 excluded), 36 of them implemented.
    assert "37 applicable" in html and "1 excluded" in html
    assert "36 / 37" in html


def test_every_generated_link_resolves(tree):
    site = build_site(example_tree(tree))
    assert broken_links(site) == []


def test_pagination_keeps_register_links_working(tree):
    extra = {
        f"content/risks/R{n:02d}.md": front(id=f"R{n:02d}", title=f"Risk {n}", likelihood=1 + n % 5, impact=2)
        for n in range(25)
    }
    site = build_site(example_tree(tree, **extra), page_size=10)
    assert (site / "risk-register/3/index.html").exists()
    assert broken_links(site) == []
    page3 = (site / "risk-register/3/index.html").read_text(encoding="utf-8")
    assert 'id="R24"' in page3 or 'id="RSK-2"' in page3


def test_document_pages_have_panel_and_links_both_ways(tree):
    site = build_site(example_tree(tree))
    control = (site / "controls/A.5.4/index.html").read_text(encoding="utf-8")
    assert "in progress" in control and "Credit decisions affect people." in control
    # [[POL-1]] became a link with the title; the risk names the control back.
    assert '<a href="../../policies/POL-1/"><span class="aims-id">POL-1</span> AI policy</a>' in control
    assert "RSK-1 Biased scores" in control
    policy = (site / "policies/POL-1/index.html").read_text(encoding="utf-8")
    assert "Referenced by" not in policy or "controls" in policy
    risk_page = (site / "risk-register/index.html").read_text(encoding="utf-8")
    assert 'id="RSK-1"' in risk_page and "A.5.4" in risk_page


def test_heat_map_counts_link_to_their_risks(tree):
    site = build_site(example_tree(tree))
    html = (site / "risk-register/index.html").read_text(encoding="utf-8")
    # Both risks sit at likelihood 4 x impact 5 before treatment.
    cell = re.search(r'<a href="#cell-inherent-4-5" aria-label="([^"]+)">.*?>(\d+)</text></a>', html)
    assert cell and cell.group(2) == "2" and cell.group(1) == "2 risks at likelihood 4, impact 5"
    assert re.search(r'id="cell-inherent-4-5".*?RSK-1.*?RSK-2', html, re.S)
    residual = r'<a href="#cell-residual-2-3" aria-label="1 risk at likelihood 2, impact 3">.*?>1</text></a>'
    assert re.search(residual, html)


def test_readiness_dashboard_counts(tree):
    site = build_site(example_tree(tree))
    html = (site / "readiness/index.html").read_text(encoding="utf-8")
    assert "36 / 37" in html  # implemented of applicable
    assert "24 / 24" in html  # subclauses covered
    assert re.search(r'id="in-progress">In progress \(1\)', html)


def test_evidence_index_hashes_and_copies_files(tree):
    site = build_site(example_tree(tree))
    html = (site / "evidence-index/index.html").read_text(encoding="utf-8")
    import hashlib

    assert hashlib.sha256(b"evidence\n").hexdigest() in html
    assert (site / "evidence-files/evidence/files/ev1.txt").read_text(encoding="utf-8") == "evidence\n"


CANARY = "CANARY-7f3c91-secret"


def _site_text(site: Path) -> str:
    chunks = []
    for path in site.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if path.suffix == ".gz":
                data = gzip.decompress(data)
            chunks.append(data.decode("utf-8", "replace"))
            chunks.append(path.name)
    return "\n".join(chunks)


@pytest.mark.parametrize(
    ("audience", "visible"), [("public", set()), ("internal", {"internal"}), ("auditor", {"internal", "confidential"})]
)
def test_classification_never_reaches_a_lower_audience(tree, audience, visible):
    files = {
        "content/risks/RSK-SECRET.md": front(
            id="RSK-SECRET",
            title=f"confidential {CANARY}",
            classification="confidential",
            likelihood=5,
            impact=5,
            controls=["A.2.2"],
            body=f"Body {CANARY}\n",
        ),
        "content/evidence/EV-SECRET.md": front(
            id="EV-SECRET",
            title="Secret evidence",
            classification="confidential",
            file="files/secret.txt",
            controls=["A.2.3"],
        ),
        "content/evidence/files/secret.txt": f"file {CANARY}-file\n",
        "content/policies/POL-INT.md": front(
            id="POL-INT", title=f"internal INTCANARY-{CANARY[:6]}", satisfies=["A.2.2"]
        ),
    }
    root = example_tree(tree, **files)
    site = build_site(root, audience=audience)
    text = _site_text(site)
    assert (CANARY in text) == ("confidential" in visible)
    assert (f"{CANARY}-file" in text) == ("confidential" in visible)
    assert ("RSK-SECRET" in text) == ("confidential" in visible)
    assert (f"INTCANARY-{CANARY[:6]}" in text) == ("internal" in visible)
    assert broken_links(site) == []


def test_front_matter_is_escaped_everywhere(tree):
    evil = "<script>alert(1)</script>"
    root = example_tree(
        tree,
        **{
            "content/policies/POL-X.md": front(
                id="POL-X", title=f"Evil {evil}", owner=f"<b>{evil}</b>", satisfies=["5.2"]
            ),
            "content/risks/RSK-X.md": front(id="RSK-X", title=evil, likelihood=1, impact=1, source=evil),
        },
    )
    site = build_site(root)
    for path in site.rglob("*.html"):
        assert "<script>alert(1)" not in path.read_text(encoding="utf-8"), path
    page = (site / "policies/POL-X/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_strict_build_fails_on_broken_reference_with_file_named(tree):
    root = example_tree(
        tree,
        **{"content/controls/A.2.3.md": front(control="A.2.3", applicable=True, justification="j", risks=["RSK-404"])},
    )
    site_config(root)
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=root, capture_output=True, text=True
    )
    assert proc.returncode == 1
    assert "content/controls/A.2.3.md:6: AIMS010 error: risks: no risk has the ID 'RSK-404'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_unknown_cross_reference_is_a_warning_with_its_line(tree):
    root = example_tree(
        tree,
        **{
            "content/policies/POL-1.md": front(
                id="POL-1",
                title="AI policy",
                owner="O",
                satisfies=[s.id for s in load_catalog().subclauses],
                body="Line one.\n\nSee [[NOPE-1]].\n",
            )
        },
    )
    site_config(root)
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=root, capture_output=True, text=True
    )
    assert proc.returncode == 1
    assert "content/policies/POL-1.md:33: AIMS024 warning: cross-reference [[NOPE-1]] names no document" in proc.stderr


def test_unknown_cross_reference_in_hand_written_docs_is_a_warning(tree):
    root = tree(complete_files())
    site_config(root)
    (root / "docs/index.md").write_text("# Home\n\nSee [[A.6.2.4]] and [[NOPE-2]].\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=root, capture_output=True, text=True
    )
    assert proc.returncode == 1
    assert "docs/index.md:3: unknown cross-reference [[NOPE-2]]" in proc.stderr
    assert "A.6.2.4 AI system verification and validation" in (root / "site/index.html").read_text(encoding="utf-8")


def test_not_started_work_is_not_a_warning(tree):
    files = complete_files()
    files["content/controls/A.2.2.md"] = front(
        control="A.2.2", applicable=True, justification="j", implementation="not_started", owner="O"
    )
    site = build_site(tree(files))  # strict: would raise on any warning
    assert "not started" in (site / "readiness/index.html").read_text(encoding="utf-8")


def test_serve_watches_the_content_folder(tree):
    from mkdocs.config import load_config

    from aims_plugin.hosts.mkdocs_plugin import AimsPlugin

    root = tree(complete_files())
    build_site(root)
    config = load_config(str(root / "mkdocs.yml"))
    plugin = config.plugins["aims"]
    assert isinstance(plugin, AimsPlugin)
    plugin.on_config(config)

    class Server:
        def __init__(self) -> None:
            self.watched: list[str] = []

        def watch(self, path: str) -> None:
            self.watched.append(path)

    server = Server()
    plugin.on_serve(server, config=config, builder=None)
    assert Path(server.watched[0]) == root / "content"


def test_a_record_of_every_kind_has_a_page_or_entry_and_a_pack_anchor(tree):
    from aims_plugin.files.load import load
    from aims_plugin.model import SPECS, Audience

    from .test_example import missing_targets

    files = complete_files()
    files.update(
        {
            "content/risks/RSK-1.md": front(
                id="RSK-1",
                title="Risk",
                likelihood=2,
                impact=3,
                system="SYS-1",
                actions=[{"id": "ACT-1", "title": "Retrain", "owner": "O", "due": "2030-01-01"}],
            ),
            "content/soa/SOA.md": front(id="SOA", title="Statement of Applicability", owner="O"),
            "content/systems/SYS-1.md": front(id="SYS-1", name="Scorer", purpose="Scores"),
            "content/assessments/IA-1.md": front(id="IA-1", title="Assessment", system="SYS-1"),
            "content/procedures/PRC-1.md": front(id="PRC-1", title="Procedure"),
            "content/clauses/4.1.md": front(clause="4.1", title="Context"),
            "content/incidents/INC-1.md": front(id="INC-1", title="Incident", nonconformities=["NC-1"]),
            "content/audits/AUD-1.md": front(id="AUD-1", title="Audit"),
            "content/reviews/MR-1.md": front(
                id="MR-1", title="Review", actions=[{"id": "ACT-2", "title": "Book the audit", "status": "open"}]
            ),
            "content/nonconformities/NC-1.md": front(id="NC-1", title="Finding", source="AUD-1"),
            "content/roles/ROLE-1.md": front(id="ROLE-1", title="Owner", competences=["awareness"]),
            "content/training/TRN-1.md": front(
                id="TRN-1", title="Course", date="2026-01-05", competences=["awareness"]
            ),
        }
    )
    root = tree(files)
    site_config(root, audience="auditor")
    yml = root / "mkdocs.yml"
    yml.write_text(yml.read_text(encoding="utf-8") + "      pdf: true\n", encoding="utf-8")
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    build(load_config(str(yml), site_dir=str(root / "site"), strict=True))
    view = load(root / "content", history=False).visible_to(Audience.auditor)
    assert {record.kind for record in view.records} == {spec.name for spec in SPECS}
    assert missing_targets(root / "site", view) == []


def test_document_pages_show_revisions_restricted_references_and_the_as_of_line(tree, tmp_path):
    import subprocess

    files = complete_files()
    files["content/systems/SYS-9.md"] = front(id="SYS-9", title="Hidden model", classification="confidential")
    files["content/risks/RSK-9.md"] = front(id="RSK-9", title="Visible risk", system="SYS-9", likelihood=2, impact=2)
    root = tree(files)
    env = {
        "GIT_AUTHOR_NAME": "Ana Ruiz",
        "GIT_AUTHOR_EMAIL": "ana@example.com",
        "GIT_COMMITTER_NAME": "Ana Ruiz",
        "GIT_COMMITTER_EMAIL": "ana@example.com",
        "PATH": "/usr/bin:/bin",
    }
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "First AIMS"]):
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, env=env)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True).stdout.strip()
    site = build_site(root)
    policy = (site / "policies/POL-1/index.html").read_text(encoding="utf-8")
    assert "Revision history" in policy and "Ana Ruiz" in policy and "First AIMS" in policy
    assert f"commit <code>{head[:10]}</code>" in policy and 'class="aims-asof"' in policy
    register = (site / "risk-register/index.html").read_text(encoding="utf-8")
    table = register.split('<table class="aims-table aims-sortable">', 1)[1]
    row = table.split('href="./#RSK-9"', 1)[1].split("</tr>", 1)[0]
    assert "restricted" in row and "SYS-9" not in register and "Hidden model" not in register
    assert "hide:" not in register and "md-sidebar--secondary" in register  # Material hides the TOC
    assert 'data-md-component="toc"' not in register
    audits = (site / "audits/index.html").read_text(encoding="utf-8")
    assert "None in this edition." in audits


def test_home_page_has_a_door_for_staff_the_owner_and_auditors(tree):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from .conftest import site_config

    files = complete_files()
    files["content/procedures/PRC-9.md"] = front(
        id="PRC-9",
        title="Raising a concern",
        satisfies=["A.3.3"],
        owner="O",
        body="Write to the ethics line.\n",
        **APPROVED,
    )
    root = tree(files)
    site_config(root)
    (root / "docs/index.md").write_text("# Our AIMS\n\nWelcome.\n\n<!-- aims:home -->\n\nEnd.\n", encoding="utf-8")
    site = root / "site-own"
    build(load_config(str(root / "mkdocs.yml"), site_dir=str(site), strict=True))
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "Welcome." in home and "End." in home and "aims:home" not in home
    assert '<a href="policies/POL-1/">Read our AI policy</a>' in home
    assert "To raise a concern about an AI system:" in home and "PRC-9" in home
    assert '<a href="readiness/#open-items">0 open items before the audit</a>' in home
    assert 'href="statement-of-applicability/"' in home and 'href="stage-1-index/"' in home

    # Without a home page of its own, the site gets the generated one.
    (root / "docs/index.md").unlink()
    build(load_config(str(root / "mkdocs.yml"), site_dir=str(site), strict=True))
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "Read our AI policy" in home and "Auditors" in home and "Welcome." not in home


def test_each_owner_has_a_page_of_their_work_linked_where_they_are_named(tree):
    files = complete_files()
    files["content/risks/RSK-5.md"] = front(
        id="RSK-5",
        title="Drift",
        owner="Zoë O'Neill",
        likelihood=2,
        impact=2,
        actions=[{"id": "ACT-5", "title": "Add a drift monitor", "owner": "Zoë O'Neill", "due": "2020-01-31"}],
    )
    site = build_site(tree(files))
    page = (site / "owners/zoe-o-neill/index.html").read_text(encoding="utf-8")
    assert "Work of Zoë O&#x27;Neill" in page
    assert "ACT-5" in page and "overdue" in page and "RSK-5" in page
    index = (site / "owners/index.html").read_text(encoding="utf-8")
    assert 'href="../zoe-o-neill/"' in index or 'href="zoe-o-neill/"' in index
    readiness = (site / "readiness/index.html").read_text(encoding="utf-8")
    assert 'href="../owners/zoe-o-neill/"' in readiness
    risk = (site / "risk-register/index.html").read_text(encoding="utf-8")
    assert "owners/zoe-o-neill/" in risk  # the entry's document control links its owner


def test_search_previews_leave_out_comments_and_owners_named_index_get_their_own_page(tree):
    files = complete_files()
    files["content/risks/RSK-6.md"] = front(
        id="RSK-6",
        title="Drift",
        owner="Index",
        likelihood=2,
        impact=2,
        body="<!--\n\nDRAFT NOTE internal price 40k\n\n-->\n\nScores drift as the economy changes.\n",
    )
    root = tree(files)
    (root / "docs").mkdir(exist_ok=True)
    (root / "docs/index.md").write_text("# Home\n\nSee [[POL-1]].\n\n<!-- aims:home -->\n", encoding="utf-8")
    site = build_site(root)
    index = (site / "search/search_index.json").read_text(encoding="utf-8")
    assert "DRAFT NOTE" not in index and "Scores drift as the economy changes." in index
    assert (site / "owners/index-1/index.html").exists() and (site / "owners/index.html").exists()
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "[POL-1" not in home and "[SOA" not in home and 'href="policies/POL-1/"' in home


def test_with_materials_tags_plugin_a_documents_tags_are_links(tree):
    files = complete_files()
    files["content/policies/POL-2.md"] = front(id="POL-2", title="Tagged", tags=["lending", "a&b"], **APPROVED)
    root = tree(files)
    site_config(root)
    yml = (root / "mkdocs.yml").read_text(encoding="utf-8").replace("  - search\n", "  - search\n  - tags\n")
    (root / "mkdocs.yml").write_text(yml, encoding="utf-8")
    (root / "docs/tags.md").write_text("# Tags\n\n<!-- material/tags -->\n", encoding="utf-8")
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    site = root / "site-tags"
    build(load_config(str(root / "mkdocs.yml"), site_dir=str(site), strict=True))
    page = (site / "policies/POL-2/index.html").read_text(encoding="utf-8")
    assert 'href="../../tags/#tag:lending" class="md-tag"' in page and 'class="aims-tags"' not in page
    assert "POL-2" in (site / "tags/index.html").read_text(encoding="utf-8")
