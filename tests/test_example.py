"""The example AIMS that ships in content/: clean under --strict, and its site links resolve."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from aims_plugin.files.load import load
from aims_plugin.hosts.cli import main
from aims_plugin.model import Audience, Kind
from aims_plugin.present.linker import Linker, page_url
from aims_plugin.register.links import actions_of

from .conftest import pdf_text
from .test_site import broken_links

REPO = Path(__file__).resolve().parents[1]


def test_example_passes_strict_check_with_only_its_open_work():
    """Nothing in the example is broken; its warnings are work it has genuinely not done yet: a late action,
    a risk without acceptance, role holders without training (new joiners, an expired course) and the
    fraud team's overdue acknowledgements of the responsible use policy."""
    result = CliRunner().invoke(main, ["check", str(REPO), "--strict", "--format", "json", "--today", "2026-12-02"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["errors"] == 0 and report["warnings"] == report["work_not_done"] == 8
    assert sorted(f["code"] for f in report["findings"]) == ["AIMS032", "AIMS034"] + ["AIMS047"] * 5 + ["AIMS048"]


@pytest.fixture(scope="module")
def example_site(tmp_path_factory) -> Path:
    """The example built once, as `mkdocs build --strict` builds it (with its pack)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    project = tmp_path_factory.mktemp("example")
    for name in ("content", "docs"):
        shutil.copytree(REPO / name, project / name)
    shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(project / "site"), strict=True)
    build(config)
    return project / "site"


def test_example_site_builds_strict_and_every_link_resolves(example_site):
    site = example_site
    assert (site / "statement-of-applicability/index.html").exists()
    assert broken_links(site) == []
    # The example turns the pack on: it lands in the site, for the site's own audience.
    reader = PdfReader(site / "aims-pack.pdf")
    text = "".join(page.extract_text() for page in reader.pages[:2])
    assert "Calder Finance Ltd" in text and "INTERNAL" in text
    assert "aims-pack.pdf" in (site / "index.html").read_text(encoding="utf-8")


def test_every_visible_record_of_every_kind_has_a_site_target_and_a_pack_anchor(example_site):
    """The kind registry, the linker, the site pages and the pack sections agree, record by record."""
    view = load(REPO / "content", history=False).visible_to(Audience.internal)
    # Audits, incidents and nonconformities are confidential in the example: test_site builds them for auditors.
    assert {record.kind for record in view.records} >= set(Kind) - {Kind.audit, Kind.incident, Kind.nonconformity}
    assert missing_targets(example_site, view) == []


def missing_targets(site: Path, view) -> list[str]:
    """Records of `view` without a page (and anchor) in `site` or a named destination in its pack."""
    linker = Linker(view)
    destinations = set(PdfReader(site / "aims-pack.pdf").named_destinations)
    pages: dict[str, str] = {}
    missing = []
    for record in view.records:
        target = linker.target(record.id)
        if target is None:
            missing.append(f"{record.id}: no target")
            continue
        page = site / page_url(target.page, True) / "index.html"
        if not page.is_file():
            missing.append(f"{record.id}: no page {page}")
            continue
        text = pages.setdefault(target.page, page.read_text(encoding="utf-8"))
        if target.anchor and f'id="{target.anchor}"' not in text:
            missing.append(f"{record.id}: no anchor #{target.anchor} on {target.page}")
        if target.pack not in destinations:
            missing.append(f"{record.id}: no pack anchor #{target.pack}")
        for action in actions_of(record):
            found = linker.target(action.id)
            if found is None or f'id="{found.anchor}"' not in text or found.pack not in destinations:
                missing.append(f"{action.id}: no anchor for the action on {target.page} or in the pack")
    return missing


def test_generated_pages_are_not_parsed_by_markdown_and_search_stays_lean(example_site):
    """Register pages keep their finished HTML; the search index has each record, not its hash."""
    register = (example_site / "evidence-index/index.html").read_text(encoding="utf-8")
    assert "aims-block" not in register and '<code class="aims-hash" title="SHA-256 ' in register
    index = json.loads((example_site / "search/search_index.json").read_text(encoding="utf-8"))
    entries = {entry["location"]: entry for entry in index["docs"]}
    view = load(REPO / "content", history=False).visible_to(Audience.internal)
    for record in view.of_kind(Kind.evidence):
        entry = entries.get(f"evidence-index/#{record.id}")
        assert entry is not None and entry["title"].startswith(record.id), record.id
        assert record.attachment is None or record.attachment.sha256 not in entry["text"]
    soa = [e for loc, e in entries.items() if loc.startswith("statement-of-applicability/")]
    assert soa and all("A.10.4" not in e["text"] for e in soa), "SoA rows are found on their control pages"
    policy = " ".join(e["text"] for loc, e in entries.items() if loc.startswith("policies/POL-001/"))
    assert "Kind policy" not in policy and len(policy) > 500, "a policy's own text is indexed, not its fields"


def test_example_open_items_show_what_is_genuinely_open(example_site):
    """Status, readiness page and pack list the same open work, and none of it counts as done."""
    status = CliRunner().invoke(main, ["status", str(REPO)]).output
    readiness = (example_site / "readiness/index.html").read_text(encoding="utf-8")
    pack = pdf_text(example_site / "aims-pack.pdf")
    in_progress = [row for row in compute_example().readiness.applicable if not row.implemented]
    assert len(in_progress) >= 10
    for row in in_progress:
        assert f"{row.control} " in status.split("Applicable controls not implemented (", 1)[1]
        assert f">{row.control}</span> " in readiness.split('id="open-not-implemented"', 1)[1]
        assert row.control in pack.split("Applicable controls not implemented (", 1)[1]
    # The overdue management-review action, the open impact assessment, the unapproved clause.
    for text in (status, pack):
        assert "ACT-MR-2026-01-1" in text.split("Overdue actions (1)", 1)[1][:400]
        assert "AIA-003" in text.split("Impact assessments not approved (", 1)[1][:300]
        assert "10.1" in text.split("Documents not approved (", 1)[1][:400]
    assert 'id="open-overdue-actions"' in readiness and "action-ACT-MR-2026-01-1" in readiness
    # The risk above the appetite without an acceptance, and the evidence past its shelf life.
    assert "RSK-007" in status.split("Risks above appetite without acceptance (1)", 1)[1][:200]
    assert "EV-013" in status.split("Evidence not current (", 1)[1][:300]
    ev = next(row for row in compute_example().evidence if row.record.id == "EV-013")
    assert not ev.current and ev.evidence.expires is None
    # Numbers the headline shows never exceed what is done.
    ready = compute_example().readiness
    assert ready.evidenced_fraction.part <= ready.implemented.part


def test_art_55_does_not_apply_to_a_lender(example_site):
    page = (example_site / "frameworks/eu-ai-act/index.html").read_text(encoding="utf-8")
    row = page.split('id="Art-55"', 1)[1].split("</tr>", 1)[0]
    assert "Not applicable: addresses gpai systemic risk" in row
    eu = next(c for c in compute_example().frameworks if c.catalog.id == "eu-ai-act")
    assert {r.requirement.id for r in eu.rows if r.state == "not_applicable"} >= {"Art-53", "Art-55"}
    assert sum(eu.count(s) for s in ("evidenced", "implemented", "covered", "gap")) == eu.applicable


def compute_example():
    import datetime as dt

    from aims_plugin.reports.bundle import compute

    register = load(REPO / "content", history=False, frameworks=["nist-ai-rmf", "eu-ai-act"])
    return compute(register.visible_to(Audience.auditor), dt.date.today())
