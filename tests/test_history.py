"""Records from git: revisions, changed-since-approval, review cycles, the change report, exports."""

from __future__ import annotations

import csv
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from aims_plugin.checks import run_checks
from aims_plugin.files.history import read_history
from aims_plugin.files.load import load
from aims_plugin.hosts.cli import main

from .conftest import complete_files, front

TODAY = dt.date(2026, 11, 24)


def git(root: Path, *args: str, date: str = "2026-01-10T09:00:00+00:00", author: str = "Priya Raman") -> str:
    env = {
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
        "GIT_AUTHOR_NAME": author,
        "GIT_AUTHOR_EMAIL": "a@example.com",
        "GIT_COMMITTER_NAME": author,
        "GIT_COMMITTER_EMAIL": "a@example.com",
        "PATH": "/usr/bin:/bin",
        "HOME": str(root),
    }
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True, env=env).stdout


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


POLICY = dict(
    id="POL-1", title="AI policy", owner="O", status="approved", approved_by="Board", approved_on=dt.date(2026, 1, 10)
)


@pytest.fixture
def repo(tree) -> Path:
    """Three scripted commits, tagged v1 (first) and stage2 (third)."""
    files = complete_files()
    files["content/policies/POL-1.md"] = front(**POLICY, body="First text.\n")
    files["content/risks/RSK-1.md"] = front(
        id="RSK-1", title="Bias", likelihood=3, impact=4, residual_likelihood=2, residual_impact=2
    )
    files["content/controls/A.9.4.md"] = front(
        control="A.9.4", applicable=True, justification="j", implementation="in_progress", owner="O"
    )
    files["content/evidence/EV-2.md"] = front(
        id="EV-2", title="Old evidence", url="https://example.com/e", controls=["A.9.4"], expires=dt.date(2026, 2, 15)
    )
    root = tree(files)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Initial AIMS")
    git(root, "tag", "v1")
    write(root, "content/policies/POL-1.md", front(**POLICY, body="First text, edited without approval.\n"))
    git(root, "commit", "-q", "-am", "Edit the AI policy", date="2026-03-01T09:00:00+00:00", author="Daniel Okafor")
    write(
        root,
        "content/controls/A.9.4.md",
        front(control="A.9.4", applicable=True, justification="j", implementation="implemented", owner="O"),
    )
    write(
        root,
        "content/risks/RSK-1.md",
        front(id="RSK-1", title="Bias", likelihood=2, impact=4, residual_likelihood=1, residual_impact=2),
    )
    write(
        root,
        "content/evidence/EV-3.md",
        front(id="EV-3", title="New evidence", url="https://example.com/n", controls=["A.9.4"]),
    )
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Implement A.9.4", date="2026-04-01T09:00:00+00:00")
    git(root, "tag", "stage2")
    return root


def test_revision_lists_from_one_git_log(repo):
    history = read_history(repo / "content")
    assert history.notice == ""
    revs = history.of("policies/POL-1.md")
    assert [(r.date.date().isoformat(), r.author, r.message) for r in revs] == [
        ("2026-03-01", "Daniel Okafor", "Edit the AI policy"),
        ("2026-01-10", "Priya Raman", "Initial AIMS"),
    ]
    assert len(history.of("controls/A.9.4.md")) == 2
    assert history.head is not None and history.head.message == "Implement A.9.4"


def test_changed_since_approval_is_flagged_then_cleared_by_reapproval(repo):
    findings = run_checks(load(repo / "content", display_root=repo), TODAY)
    flagged = [f for f in findings if f.code == "AIMS025"]
    assert [f.path for f in flagged] == ["content/policies/POL-1.md"]
    assert "changed on 2026-03-01" in flagged[0].message and "Edit the AI policy" in flagged[0].message
    assert flagged[0].line == 7  # the approved_on line
    write(
        repo,
        "content/policies/POL-1.md",
        front(**{**POLICY, "approved_on": dt.date(2026, 5, 2)}, body="First text, edited without approval.\n"),
    )
    git(repo, "commit", "-q", "-am", "Re-approve the AI policy", date="2026-05-02T09:00:00+00:00")
    findings = run_checks(load(repo / "content", display_root=repo), TODAY)
    assert not [f for f in findings if f.code == "AIMS025"]


def test_review_every_derives_next_review_and_overdue(tree):
    root = tree(
        {
            **complete_files(),
            "content/policies/P.md": front(
                id="P",
                title="T",
                owner="O",
                status="approved",
                approved_by="B",
                approved_on=dt.date(2026, 1, 31),
                review_every="6 months",
            ),
        }
    )
    register = load(root / "content", display_root=root)
    assert register.by_id["P"].doc.next_review == dt.date(2026, 7, 31)
    overdue = [f for f in run_checks(register, TODAY) if f.code == "AIMS017"]
    assert [(f.path, f.line) for f in overdue] == [("content/policies/P.md", 8)]  # review_every
    assert "due on 2026-07-31" in overdue[0].message


def test_bad_review_interval_is_located(tree):
    root = tree({**complete_files(), "content/policies/P.md": front(id="P", title="T", review_every="yearly")})
    found = [f for f in run_checks(load(root / "content", display_root=root), TODAY) if f.code == "AIMS006"]
    assert [(f.line, f.message.split(":")[0]) for f in found] == [(4, "review_every")]


def test_change_report_between_two_tags(repo):
    result = CliRunner().invoke(main, ["changes", str(repo), "--since", "v1", "--until", "stage2"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Changes from v1" in out and "to stage2" in out
    assert "changed      POL-1" in out
    assert "A.9.4     included, in progress -> included, implemented" in out
    assert "RSK-1     inherent 12 -> 8, residual 4 -> 2" in out
    assert "added        EV-3  New evidence" in out
    assert "expired      EV-2  (on 2026-02-15)" in out
    assert "EV-2" not in out.split("Evidence index")[0]


def test_change_report_since_a_date(repo):
    result = CliRunner().invoke(main, ["changes", str(repo), "--since", "2026-02-01", "--until", "stage2"])
    assert result.exit_code == 0
    # 2026-02-01 resolves to the v1 commit: the same report as from the tag.
    assert (
        result.output.split("\n", 1)[1]
        == CliRunner()
        .invoke(main, ["changes", str(repo), "--since", "v1", "--until", "stage2"])
        .output.split("\n", 1)[1]
    )
    assert "changed      POL-1" in result.output


def test_change_report_rejects_unknown_refs(repo):
    result = CliRunner().invoke(main, ["changes", str(repo), "--since", "no-such-tag"])
    assert result.exit_code == 2 and "neither a git revision nor a date" in result.output


def test_without_git_there_is_one_clear_notice(tree):
    root = tree(complete_files())
    result = CliRunner().invoke(main, ["check", str(root), "--strict"])
    assert result.exit_code == 0
    assert result.output.count("not in a git repository") == 1


def test_shallow_clone_says_what_is_missing(repo, tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(clone)], check=True)
    history = read_history(clone / "content")
    assert "shallow" in history.notice
    # The approval commit is not in the clone: no invented "changed since approval".
    findings = run_checks(load(clone / "content", display_root=clone), TODAY)
    assert not [f for f in findings if f.code == "AIMS025"]
    assert len(history.of("policies/POL-1.md")) == 1


def test_export_json_and_csv_are_stable_and_carry_history(repo, tmp_path):
    runner = CliRunner()
    first = runner.invoke(main, ["export", str(repo), "--format", "json"]).output
    assert first == runner.invoke(main, ["export", str(repo), "--format", "json"]).output
    data = json.loads(first)
    ids = [(r["kind"], r["id"]) for r in data["records"]]
    assert ids == sorted(
        ids,
        key=lambda k: (
            [
                "policy",
                "procedure",
                "control",
                "clause",
                "risk",
                "system",
                "impact_assessment",
                "evidence",
                "incident",
                "audit",
                "management_review",
                "nonconformity",
                "soa",
            ].index(k[0]),
            k[1],
        ),
    )
    policy = next(r for r in data["records"] if r["id"] == "POL-1")
    assert policy["approved_on"] == "2026-01-10"
    assert [h["message"] for h in policy["history"]] == ["Edit the AI policy", "Initial AIMS"]
    assert policy["created"].startswith("2026-01-10") and policy["last_changed"].startswith("2026-03-01")
    out = tmp_path / "register.csv"
    assert runner.invoke(main, ["export", str(repo), "--format", "csv", "-o", str(out)]).exit_code == 0
    header, *rows = out.read_text(encoding="utf-8").splitlines()
    assert header.startswith("kind,id,title,status,owner")
    assert any(row.startswith("policy,POL-1,AI policy,approved,O") for row in rows)


def test_changes_page_and_pack_section(repo, tmp_path, monkeypatch):
    from pypdf import PdfReader

    (repo / "docs").mkdir()
    (repo / "docs/index.md").write_text("# Home\n", encoding="utf-8")
    yml = (
        "site_name: T\ntheme:\n  name: material\nplugins:\n  - search\n"
        "  - aims:\n      organisation: T\n      changes_since: v1\n"
    )
    (repo / "mkdocs.yml").write_text(yml, encoding="utf-8")
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    build(load_config(str(repo / "mkdocs.yml"), site_dir=str(tmp_path / "site")))
    page = (tmp_path / "site/changes/index.html").read_text(encoding="utf-8")
    assert "Changes since v1" in page and "included, in progress" in page and "RSK-1" in page
    # A redline of the policy's text since v1: only the words that changed are marked.
    assert '<div class="aims-redline">First <del>text.</del><ins>text, edited without approval.</ins>' in page
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    out = tmp_path / "pack.pdf"
    result = CliRunner().invoke(main, ["pdf", str(repo), "-o", str(out), "--today", "2026-11-24"])
    assert result.exit_code == 0, result.output
    reader = PdfReader(out)
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert "Changes since v1" in titles and "Open items" in titles
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert "Changed since approval" in text and "Edit the AI policy" in text


def test_status_lists_changed_documents_and_stale_risks(repo):
    write(
        repo,
        "content/risks/RSK-1.md",
        front(id="RSK-1", title="Bias", likelihood=2, impact=4, next_review=dt.date(2026, 6, 1)),
    )
    result = CliRunner().invoke(main, ["status", str(repo), "--today", "2026-11-24"])
    assert result.exit_code == 0
    assert "Changed since approval (1)" in result.output
    assert "changed 2026-03-01 after approval on 2026-01-10" in result.output.split("Changed since approval (1)")[1]
    overdue = result.output.split("Reviews past due (", 1)[1]
    assert "RSK-1 Bias: review was due 2026-06-01 [unassigned, due 2026-06-01 OVERDUE]" in overdue


def test_document_hidden_from_the_audience_is_not_reported_removed(repo):
    from aims_plugin.files.timeline import change_report
    from aims_plugin.model import Audience

    write(
        repo,
        "content/risks/RSK-1.md",
        front(id="RSK-1", title="Now secret", likelihood=3, impact=4, classification="confidential"),
    )
    git(repo, "commit", "-q", "-am", "Classify RSK-1", date="2026-05-01T09:00:00+00:00")
    report = change_report(repo / "content", "stage2", None, audience=Audience.internal)
    shown = [r.id for kinds in report.kinds for r in (*kinds.added, *kinds.changed, *kinds.removed)]
    assert "RSK-1" not in shown
    full = change_report(repo / "content", "stage2", None, audience=Audience.auditor)
    assert "RSK-1" in [r.id for k in full.kinds for r in k.changed]


def test_unknown_changes_since_in_a_full_repository_is_a_warning(repo, tmp_path):
    (repo / "docs").mkdir()
    (repo / "docs/index.md").write_text("# Home\n", encoding="utf-8")
    (repo / "mkdocs.yml").write_text(
        "site_name: T\nplugins:\n  - aims:\n      changes_since: no-such-tag\n", encoding="utf-8"
    )
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "s")],
        cwd=repo,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1
    assert "changes_since: 'no-such-tag' is neither a git revision nor a date" in proc.stderr


def test_export_csv_columns_come_from_the_kind_registry_not_the_content(tree):
    from .conftest import complete_files, front

    files = complete_files()
    root = tree(files)
    first = CliRunner().invoke(main, ["export", str(root), "--format", "csv"]).output.splitlines()[0]
    files["content/controls/A.2.2.md"] = front(
        control="A.2.2", applicable=True, justification="Needed.", implementation="in_progress", due="2027-01-31"
    )
    root = tree(files)
    second = CliRunner().invoke(main, ["export", str(root), "--format", "csv"]).output.splitlines()
    assert second[0] == first and "due" in first.split(",")
    rows = [dict(zip(first.split(","), r, strict=True)) for r in csv.reader(second[1:])]
    assert next(r for r in rows if r["id"] == "A.2.2")["due"] == "2027-01-31"


def test_change_records_go_by_commit_not_by_date(tree):
    """Same-day edits after an approval count; a date means the start of that day; before the repo: empty."""
    root = tree(
        {
            "content/policies/POL-1.md": front(id="POL-1", title="AI policy", owner="O", body="Draft.\n"),
            "content/controls/A.2.2.md": front(control="A.2.2", applicable=True, justification="j", owner="O"),
        }
    )
    day = "2026-12-01T09:00:00+00:00"
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Start", date=day)
    approved = front(
        id="POL-1",
        title="AI policy",
        owner="O",
        status="approved",
        approved_by="B",
        approved_on="2026-12-01",
        body="One.\n",
    )
    write(root, "content/policies/POL-1.md", approved)
    git(root, "commit", "-q", "-am", "Approve the policy", date="2026-12-01T10:00:00+00:00")
    write(root, "content/policies/POL-1.md", approved.replace("One.", "One, edited."))
    git(root, "commit", "-q", "-am", "Edit after approval", date="2026-12-01T11:00:00+00:00")
    found = [
        f for f in run_checks(load(root / "content", display_root=root), dt.date(2026, 12, 1)) if f.code == "AIMS025"
    ]
    assert [f.path for f in found] == ["content/policies/POL-1.md"]

    runner = CliRunner()
    same_day = runner.invoke(main, ["changes", str(root), "--since", "2026-12-01"])
    assert same_day.exit_code == 0, same_day.output
    out = same_day.output
    assert "before the first commit" in out  # the day starts before the first commit: the empty AIMS
    assert "added, approved POL-1  AI policy" in out  # once, with both changes, a first approval
    assert "re-approved" not in out
    assert "added        A.2.2  AI policy" in out  # a write-up shows its control's title
    assert out.count("POL-1") == 1
    later = runner.invoke(main, ["changes", str(root), "--since", "2026-12-02"])
    assert later.exit_code == 0 and "no changes" in later.output


def test_approval_provenance_from_git(tree):
    """Attested by the approver's own commit or an Approved-by trailer, else declared; self-approval warned."""
    import json

    def policy(pid: str, approver: str, on: str, body: str = "Text.\n") -> str:
        return front(id=pid, title=pid, owner="O", status="approved", approved_by=approver, approved_on=on, body=body)

    root = tree({f"content/policies/{p}.md": front(id=p, title=p, owner="O") for p in ("P1", "P2", "P3", "P4")})
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Drafts")
    write(root, "content/policies/P4.md", front(id="P4", title="P4", owner="O", body="Ruth's own words.\n"))
    git(root, "commit", "-q", "-am", "Ruth edits P4", date="2026-02-01T09:00:00+00:00", author="Ruth Adeyemi")
    write(root, "content/policies/P1.md", policy("P1", "Daniel Okafor", "2026-03-01"))
    git(root, "commit", "-q", "-am", "Approve P1", date="2026-03-01T09:00:00+00:00", author="Daniel Okafor")
    write(root, "content/policies/P2.md", policy("P2", "Ruth Adeyemi (CEO)", "2026-03-02"))
    git(root, "commit", "-q", "-am", "Approve P2\n\nApproved-by: Ruth Adeyemi", date="2026-03-02T09:00:00+00:00")
    write(root, "content/policies/P3.md", policy("P3", "Ruth Adeyemi", "2026-03-03"))
    write(root, "content/policies/P4.md", policy("P4", "Ruth Adeyemi", "2026-03-03", body="Ruth's own words.\n"))
    git(root, "commit", "-q", "-am", "Approve P3 and P4", date="2026-03-03T09:00:00+00:00")
    write(root, "content/policies/P1.md", policy("P1", "Daniel Okafor", "2026-04-01"))
    git(root, "commit", "-q", "-am", "Re-approve P1", date="2026-04-01T09:00:00+00:00", author="Daniel Okafor")

    register = load(root / "content", display_root=root)
    got = {
        r.id: (a.attested_by, a.first, a.self_approved)
        for r in register.records
        if (a := register.history.approval(r.source.rel, r.doc.approved_by))
    }
    assert got == {
        "P1": ("by the approver", False, False),
        "P2": ("Approved-by trailer", True, False),
        "P3": ("", True, False),
        "P4": ("", True, True),
    }
    found = [f for f in run_checks(register, dt.date(2026, 11, 24)) if f.code == "AIMS040"]
    assert [(f.path, f.severity.value) for f in found] == [("content/policies/P4.md", "warning")]
    exported = json.loads(CliRunner().invoke(main, ["export", str(root), "--format", "json"]).output)
    approvals = {r["id"]: r["approval"]["attested"] for r in exported["records"] if "approval" in r}
    assert approvals == {"P1": "by the approver", "P2": "Approved-by trailer", "P3": "declared", "P4": "declared"}
    # The setting makes a self-approval an error.
    yml = root / "mkdocs.yml"
    yml.write_text(yml.read_text(encoding="utf-8") + "      self_approval: error\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(root), "--today", "2026-11-24"])
    assert result.exit_code == 1 and "P4.md:" in result.output and "AIMS040 error" in result.output


def test_a_signed_approval_is_attested(tree, tmp_path):
    """A commit signed with a key git trusts (an SSH key made here) attests the approval, whoever made it."""
    key = tmp_path / "key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    root = tree({"content/policies/P1.md": front(id="P1", title="P1", owner="O")})
    (tmp_path / "allowed").write_text(f"a@example.com {(tmp_path / 'key.pub').read_text()}", encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    for name, value in (
        ("gpg.format", "ssh"),
        ("user.signingkey", str(key)),
        ("gpg.ssh.allowedSignersFile", str(tmp_path / "allowed")),
    ):
        git(root, "config", name, value)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Draft")
    approved = front(
        id="P1", title="P1", owner="O", status="approved", approved_by="Ruth Adeyemi", approved_on="2026-03-01"
    )
    write(root, "content/policies/P1.md", approved)
    git(root, "commit", "-q", "-S", "-am", "Approve P1", date="2026-03-01T09:00:00+00:00")
    register = load(root / "content", display_root=root)
    approval = register.history.approval("policies/P1.md", "Ruth Adeyemi")
    assert approval is not None and approval.revision.signature == "G"
    assert approval.attested_by == "signed"
