"""The auditor pack, read back with pypdf: outline, TOC numbers, SoA, metadata, attachments, bytes."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from aims_plugin.catalog import load_catalog
from aims_plugin.hosts.cli import main

from .conftest import APPROVED, complete_files, front

EPOCH = "1767225600"  # 2026-01-01T00:00:00Z
SECTIONS = [
    "Document register",
    "Contents",
    "Statement of Applicability",
    "Coverage matrices",
    "Policies",
    "Annex A controls",
    "Risk register",
    "AI system inventory",
    "Evidence index",
    "Manifest",
]


def git(root: Path, *args: str, date: str = "2026-03-01T10:00:00+00:00") -> None:
    env = {
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
        "GIT_AUTHOR_NAME": "Priya Raman",
        "GIT_AUTHOR_EMAIL": "priya@example.com",
        "GIT_COMMITTER_NAME": "Priya Raman",
        "GIT_COMMITTER_EMAIL": "priya@example.com",
        "PATH": "/usr/bin:/bin",
    }
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, env=env)


def pack_tree(tree) -> Path:
    files = complete_files()
    files["content/risks/RSK-1.md"] = front(
        id="RSK-1",
        title="Biased scores",
        likelihood=4,
        impact=5,
        residual_likelihood=2,
        residual_impact=2,
        controls=["A.5.4"],
        body="## Scenario\n\nApplicants from one group are scored lower.\n",
    )
    files["content/systems/SYS-1.md"] = front(id="SYS-1", title="Scoring model", lifecycle="deployed")
    files["content/policies/POL-1.md"] = front(
        id="POL-1",
        title="AI policy",
        owner="Owner",
        classification="public",
        satisfies=[s.id for s in load_catalog().subclauses],
        body="We use AI responsibly. See [[A.6.2.4]].\n",
    )
    root = tree(files)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "First version of the AIMS")
    (root / "content/policies/POL-1.md").write_text(
        files["content/policies/POL-1.md"].replace("responsibly", "responsibly and openly"), encoding="utf-8"
    )
    git(root, "commit", "-q", "-am", "Clarify the AI policy", date="2026-04-02T09:30:00+00:00")
    return root


def run_pdf(root: Path, out: Path, *args: str, monkeypatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    result = CliRunner().invoke(main, ["pdf", str(root), "-o", str(out), "--today", "2026-11-24", *args])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One pack (with attachments) built once for the read-only tests."""
    from .conftest import MKDOCS_YML

    base = tmp_path_factory.mktemp("pack")
    root = base / "project"
    (root / "content").mkdir(parents=True)
    (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")

    def tree(files):
        for rel, text in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return root

    mp = pytest.MonkeyPatch()
    try:
        out = run_pdf(pack_tree(tree), base / "pack.pdf", "--attach-evidence", monkeypatch=mp)
    finally:
        mp.undo()
    return root, out


def outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    out = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                out.append((depth, item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 0)
    return out


def test_outline_has_every_section(built):
    reader = PdfReader(built[1])
    top = [title for depth, title, _ in outline(reader) if depth == 0]
    for section in SECTIONS:
        assert section in top, top
    nested = [title for depth, title, _ in outline(reader) if depth == 1]
    assert "POL-1 AI policy" in nested and "A.6.2.4 AI system verification and validation" in nested


def test_toc_page_numbers_match_where_headings_land(built):
    reader = PdfReader(built[1])
    landing = {title: page for _, title, page in outline(reader)}
    contents_page = landing["Contents"]
    toc_text = "".join(
        reader.pages[p].extract_text() for p in range(contents_page - 1, landing["Statement of Applicability"] - 1)
    )
    printed = dict(re.findall(r"^(.+?) · p\. (\d+)$", toc_text, re.MULTILINE))
    assert len(printed) > 40
    for title in (
        "Statement of Applicability",
        "Risk register",
        "Evidence index",
        "POL-1 AI policy",
        "A.2.2 AI policy",
    ):
        assert int(printed[title]) == landing[title], title
        assert title.split()[0] in reader.pages[landing[title] - 1].extract_text()


def test_soa_text_present_for_all_38_controls(built):
    reader = PdfReader(built[1])
    landing = {title: page for _, title, page in outline(reader)}
    soa = "".join(
        reader.pages[p].extract_text()
        for p in range(landing["Statement of Applicability"] - 1, landing["Coverage matrices"] - 1)
    )
    for control in load_catalog().controls:
        assert control.id in soa, control.id
    assert "Needed to treat our AI risks." in " ".join(soa.split())


def test_metadata_cover_and_footer(built):
    reader = PdfReader(built[1])
    meta = reader.metadata
    assert meta.title == "Test Org: AI management system auditor pack"
    assert meta.author == "Test Org" and "ISO/IEC 42001" in meta.subject
    assert "Statement of Applicability" in reader.metadata["/Keywords"]
    assert meta["/CreationDate"].startswith("D:20260101000000")
    cover = reader.pages[0].extract_text()
    assert "Test Org" in cover and "Source commit" in cover
    last = len(reader.pages)
    assert f"Page 2 of {last}" in reader.pages[1].extract_text()
    assert "CONFIDENTIAL" in reader.pages[1].extract_text()


def test_revision_history_comes_from_git(built):
    reader = PdfReader(built[1])
    landing = {title: page for _, title, page in outline(reader)}
    text = (
        reader.pages[landing["POL-1 AI policy"] - 1].extract_text()
        + reader.pages[landing["POL-1 AI policy"]].extract_text()
    )
    assert "2026-04-02 Priya Raman" in text and "Clarify the AI policy" in text
    assert "2026-03-01 Priya Raman" in text and "First version of the AIMS" in text


def test_evidence_attached_and_hashed(built):
    import hashlib

    reader = PdfReader(built[1])
    assert sorted(reader.attachments) == ["aims-manifest.json", "evidence_files_ev1.txt"]
    assert reader.attachments["evidence_files_ev1.txt"][0] == b"evidence\n"
    text = "".join(page.extract_text() for page in reader.pages[-6:])
    assert hashlib.sha256(b"evidence\n").hexdigest() in text.replace("\n", "")


def test_internal_links_point_inside_the_document(built):
    reader = PdfReader(built[1])
    internal = 0
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            action = annot.get("/A")
            assert action is None or action.get("/S") != "/URI", action
            internal += annot.get("/Dest") is not None or (action is not None and action.get("/S") == "/GoTo")
    assert internal > 100


@pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf not installed")
def test_qpdf_check_passes(built):
    proc = subprocess.run(["qpdf", "--check", str(built[1])], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_same_sources_give_identical_bytes(built, tmp_path, monkeypatch):
    root, first = built
    again = run_pdf(root, tmp_path / "again.pdf", "--attach-evidence", monkeypatch=monkeypatch)
    assert again.read_bytes() == first.read_bytes()


def test_letter_pdfa_and_public_audience(tree, tmp_path, monkeypatch):
    root = tree(
        {
            "content/policies/POL-1.md": front(id="POL-1", title="Public policy", classification="public"),
            "content/policies/POL-2.md": front(
                id="POL-2", title="Secret policy CANARY-PDF", classification="confidential"
            ),
        }
    )
    out = run_pdf(
        root,
        tmp_path / "letter.pdf",
        "--page-size",
        "letter",
        "--pdfa",
        "--audience",
        "public",
        monkeypatch=monkeypatch,
    )
    reader = PdfReader(out)
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)
    assert b"pdfaid:part" in out.read_bytes() or "pdfaid" in str(reader.xmp_metadata.rdf_root.toxml())
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Public policy" in text and "CANARY-PDF" not in text


def test_running_heads_carry_any_organisation_name(tree, tmp_path, monkeypatch):
    name = 'Fox & "Hound" </style> Ltd \\ Zürich'
    root = tree({"content/policies/POL-1.md": front(id="POL-1", title="AI policy")})
    (root / "mkdocs.yml").write_text(
        "site_name: T\nplugins:\n  - aims:\n      organisation: " + json.dumps(name) + "\n", encoding="utf-8"
    )
    out = run_pdf(root, tmp_path / "pack.pdf", monkeypatch=monkeypatch)
    second = subprocess.run(["pdftotext", "-f", "2", "-l", "2", str(out), "-"], capture_output=True, text=True)
    assert f"{name} · AI management system" in second.stdout and "CONFIDENTIAL" in second.stdout


@pytest.mark.parametrize("failing", ["weasyprint.document.Document.write_pdf", "os.replace"])
def test_failed_build_leaves_the_previous_pack(tree, tmp_path, monkeypatch, failing):
    import importlib

    root = tree({"content/policies/POL-1.md": front(id="POL-1", title="Policy")})
    outdir = tmp_path / "out"
    out = run_pdf(root, outdir / "pack.pdf", monkeypatch=monkeypatch)
    before = out.read_bytes()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    module, _, name = failing.rpartition(".")
    owner = (
        importlib.import_module(module) if module == "os" else importlib.import_module("weasyprint").document.Document
    )
    monkeypatch.setattr(owner, name, broken)
    with pytest.raises(OSError, match="disk full"):
        CliRunner().invoke(main, ["pdf", str(root), "-o", str(out)], catch_exceptions=False)
    monkeypatch.undo()
    assert out.read_bytes() == before
    assert [p.name for p in outdir.iterdir()] == ["pack.pdf"]


def test_pdf_refuses_content_with_errors(tree, tmp_path):
    root = tree({"content/risks/R.md": front(id="R", title="T", likelihood=9, impact=1)})
    result = CliRunner().invoke(main, ["pdf", str(root), "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 1
    assert "content/risks/R.md:4: AIMS006" in result.output
    assert not (tmp_path / "x.pdf").exists()


def _link_pages(reader: PdfReader, page_index: int, dests: dict[str, int]) -> list[int]:
    """The pages the internal links on one page point at, one per line of text, in the order they appear."""
    pages: dict[int, int] = {}
    for ref in reader.pages[page_index].get("/Annots") or []:
        annot = ref.get_object()
        if annot.get("/Subtype") != "/Link":
            continue
        dest = annot.get("/Dest")
        if dest is None and "/A" in annot:
            dest = annot["/A"].get("/D")
        if dest is None:
            continue
        if isinstance(dest, str) or hasattr(dest, "original_bytes"):
            target = dests[str(dest)]
        else:
            target = reader.get_page_number(dest[0].get_object()) + 1
        # A link that wraps or has generated content is several boxes on one line: one entry.
        line = round(float(annot["/Rect"][1]))
        assert pages.setdefault(line, target) == target, "two targets on one line"
    return [pages[y] for y in sorted(pages, reverse=True)]


def test_every_toc_entry_prints_and_links_the_page_its_bookmark_lands_on(built):
    """All entries: the printed number, the link's target and the bookmark of the same title agree."""
    reader = PdfReader(built[1])
    landing = {title: page for _, title, page in outline(reader)}
    dests = {name: reader.get_destination_page_number(d) + 1 for name, d in reader.named_destinations.items()}
    first, end = landing["Contents"], landing["Stage 1 index"]
    entries: list[tuple[str, int]] = []
    links: list[int] = []
    for page in range(first, end):
        text = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), str(built[1]), "-"], capture_output=True, text=True
        ).stdout
        entries += [(title.strip(), int(n)) for title, n in re.findall(r"^(.+?) · p\. (\d+)$", text, re.MULTILINE)]
        links += _link_pages(reader, page - 1, dests)
    assert len(entries) > 40
    assert [n for _, n in entries] == links
    for title, number in entries:
        assert landing.get(title) == number, (title, number, landing.get(title))


def test_pack_anchors_are_unique(tmp_path, tree):
    import collections
    import datetime as dt

    from aims_plugin.files.load import load
    from aims_plugin.model import Audience
    from aims_plugin.outputs.pack.compose import PackOptions, build_pack
    from aims_plugin.reports.bundle import compute

    root = pack_tree(tree)
    view = load(root / "content", display_root=root, frameworks=["nist-ai-rmf", "eu-ai-act"]).visible_to(
        Audience.auditor
    )
    pack = build_pack(compute(view, dt.date(2026, 11, 24)), created=dt.datetime(2026, 11, 24), options=PackOptions())
    ids = collections.Counter(re.findall(r'\sid="([^"]+)"', pack.html))
    assert [i for i, n in ids.items() if n > 1] == []


def test_one_as_of_date_and_the_default_place(tree, monkeypatch):
    """Without -o the pack goes to build/ (ignored by git); every judgement uses the one date on the cover."""
    root = pack_tree(tree)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1775000000")  # 2026-03-31
    result = CliRunner().invoke(main, ["pdf", str(root)])
    assert result.exit_code == 0, result.output
    out = root / "build/auditor-pack.pdf"
    assert result.stdout.startswith(f"auditor pack: {out}:")  # the stage lines go to standard error
    text = " ".join(subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout.split())
    assert "As of 2026-03-31" in text and "Built" not in text
    assert "2026-11-24" not in text and "as of 2026" not in text.replace("As of 2026-03-31", "")
    narrower = CliRunner().invoke(main, ["pdf", str(root), "--audience", "internal"])
    assert narrower.stdout.startswith(f"documentation pack: {root / 'build/documentation-pack.pdf'}:")


def test_aims_verify_rehashes_every_file_of_the_pack(tree, tmp_path, monkeypatch):
    root = pack_tree(tree)
    out = run_pdf(root, tmp_path / "pack.pdf", monkeypatch=monkeypatch)
    reader = PdfReader(out)
    manifest = __import__("json").loads(reader.attachments["aims-manifest.json"][0])
    paths = {f["path"] for f in manifest["files"]}
    assert "content/evidence/files/ev1.txt" in paths and "content/policies/POL-1.md" in paths
    assert all(f["size"] > 0 and len(f["sha256"]) == 64 for f in manifest["files"])
    assert manifest["commit"] and manifest["as_of"] == "2026-11-24"
    # Every page carries the pack digest and the commit.
    for page in range(1, len(reader.pages) + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), str(out), "-"], capture_output=True, text=True
        ).stdout
        assert f"Pack {manifest['digest'][:16]} · commit {manifest['commit'][:12]}" in text, page

    runner = CliRunner()
    ok = runner.invoke(main, ["verify", str(out), str(root)])
    assert ok.exit_code == 0 and "all match" in ok.output, ok.output
    evidence = root / "content/evidence/files/ev1.txt"
    evidence.write_bytes(evidence.read_bytes().replace(b"e", b"E", 1))  # one byte
    changed = runner.invoke(main, ["verify", str(out), str(root)])
    assert changed.exit_code == 1, changed.output
    assert changed.output.startswith("content/evidence/files/ev1.txt: changed: recorded sha256")
    assert "1 difference" in changed.output
    # At the pack's commit the files are as they were.
    assert runner.invoke(main, ["verify", str(out), str(root), "--at-commit"]).exit_code == 0
    (root / "content/policies/POL-1.md").unlink()
    assert "content/policies/POL-1.md: missing" in runner.invoke(main, ["verify", str(out), str(root)]).output
    # Not a pack: exit 2, no traceback.
    plain = tmp_path / "plain.pdf"
    plain.write_bytes(b"%PDF-1.4 not really\n")
    for bad in (plain, root / "mkdocs.yml"):
        result = runner.invoke(main, ["verify", str(bad), str(root)])
        assert result.exit_code == 2 and "Traceback" not in result.output, result.output


def test_stage1_index_in_status_site_and_pack(tree, tmp_path, monkeypatch):
    """Each required item: what meets it, with page and approval, or "missing" / "not approved"."""
    root = pack_tree(tree)
    # Risk records are risk assessment results (8.2) by being what they are; an unapproved audit is not enough.
    (root / "content/audits").mkdir()
    (root / "content/audits/AUD-1.md").write_text(front(id="AUD-1", title="Internal audit 2026"), encoding="utf-8")
    (root / "content/soa/SOA.md").unlink()
    status = CliRunner().invoke(main, ["status", str(root), "--today", "2026-11-24"]).output
    index = status.split("Stage 1 index: ", 1)[1].split("Open items", 1)[0]
    lines = {line.split()[0]: line for line in index.splitlines()[1:] if line.strip()}
    assert len(lines) == 16
    assert "NOT APPROVED" in lines["4.3"] and "POL-1 (draft)" in lines["4.3"]  # no scope setting, a draft policy
    assert "NOT APPROVED" in lines["8.2"] and "RSK-1 (draft)" in lines["8.2"]  # found by kind, not yet approved
    assert "NOT APPROVED" in lines["9.2"] and "AUD-1 (draft)" in lines["9.2"]
    assert "MISSING" in lines["6.1.3"]  # no SoA record
    out = run_pdf(root, tmp_path / "pack.pdf", monkeypatch=monkeypatch)
    text = " ".join(subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout.split())
    part = text.split("Stage 1 index", 3)[-1]
    assert "16 items of documented information" in part and "missing" in part
    assert re.search(r"RSK-1 Biased scores \(draft, .*?\) p\. \d+", part) or re.search(
        r"RSK-1 Biased scores \(.*?\) p\. \d+", part
    )


def test_pack_of_a_past_version_is_the_pack_built_at_that_commit(tree, tmp_path, monkeypatch):
    """`aims pdf --at REF` while the tree has moved on gives the bytes a checkout of REF gives."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    root = pack_tree(tree)
    git(root, "tag", "stage1")
    (root / "content/policies/POL-1.md").write_text(
        front(id="POL-1", title="AI policy, rewritten", owner="Owner", body="New text.\n"), encoding="utf-8"
    )
    git(root, "commit", "-q", "-am", "Rewrite the AI policy", date="2026-06-01T09:00:00+00:00")
    runner = CliRunner()
    past = runner.invoke(main, ["pdf", str(root), "--at", "stage1", "-o", str(tmp_path / "past.pdf")])
    assert past.exit_code == 0, past.output
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--branch", "stage1", str(root), str(clone)], check=True, capture_output=True)
    then = runner.invoke(main, ["pdf", str(clone), "-o", str(tmp_path / "then.pdf")])
    assert then.exit_code == 0, then.output
    assert (tmp_path / "past.pdf").read_bytes() == (tmp_path / "then.pdf").read_bytes()
    text = " ".join(
        subprocess.run(["pdftotext", str(tmp_path / "past.pdf"), "-"], capture_output=True, text=True).stdout.split()
    )
    assert "responsibly and openly" in text and "New text." not in text and "Rewrite the AI policy" not in text
    assert runner.invoke(main, ["pdf", str(root), "--at", "no-such-ref"]).exit_code == 2


def test_pack_keeps_list_numbers_and_ids_whole(tree):
    import datetime as dt

    from aims_plugin.files.load import load
    from aims_plugin.model import Audience
    from aims_plugin.outputs.pack.compose import PackOptions, build_pack
    from aims_plugin.reports.bundle import compute

    files = complete_files()
    files["content/procedures/PRC-4.md"] = front(
        id="PRC-4",
        title="Audit",
        body="1. Plan.\n2. Do.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n4. Report.\n5. Follow up.\n",
    )
    view = load(tree(files) / "content").visible_to(Audience.auditor)
    html = build_pack(
        compute(view, dt.date(2026, 11, 24)), created=dt.datetime(2026, 11, 24), options=PackOptions()
    ).html
    assert '<ol start="4">' in html
    # IDs carry the class that keeps them on one line (on the link itself when it is only the ID).
    assert re.search(r'class="aims-id"[^>]*>A\.6\.2\.6<', html) and re.search(r'class="aims-id"[^>]*>PRC-4<', html)
    assert 'class="section wide" id="soa"' in html and "@page wide" in html


def test_wide_registers_are_landscape_and_their_entries_follow_one_another(built, tree, tmp_path, monkeypatch):
    reader = PdfReader(built[1])
    pages = {title: page for _, title, page in outline(reader)}

    def landscape(title: str) -> bool:
        box = reader.pages[pages[title] - 1].mediabox
        return box.width > box.height

    for title in ("Document register", "Statement of Applicability", "Risk register", "Evidence index", "Manifest"):
        assert landscape(title), title
    # The registers' entries and the documents go back to portrait pages.
    assert not landscape("RSK-1 Biased scores") and not landscape("Policies")

    # A register entry starts where the one before it ends, even when it is too long to fit there.
    files = complete_files()
    bodies = {2: "End of minutes two.\n", 3: "A long extract of the minutes.\n\n" * 60}
    for n, body in bodies.items():
        files[f"content/evidence/EV-{n}.md"] = front(
            id=f"EV-{n}", title=f"Minutes {n}", url=f"https://x.test/{n}", controls=["A.2.2"], body=body, **APPROVED
        )
    out = run_pdf(tree(files), tmp_path / "flow.pdf", monkeypatch=monkeypatch)
    page = {title: page for _, title, page in outline(PdfReader(out))}["EV-3 Minutes 3"]
    text = subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), str(out), "-"], capture_output=True, text=True
    )
    assert "End of minutes two." in text.stdout, text.stdout
