"""The `aims` command as CI and people use it: exit codes, formats, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner

from aims_plugin.hosts.cli import main

from .conftest import APPROVED, complete_files, front


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_clean_tree_exits_0(tree):
    root = tree(complete_files())
    result = run("check", str(root), "--strict", "--today", "2026-11-24")
    assert result.exit_code == 0, result.output
    assert "0 errors, 0 warnings" in result.output


def test_errors_exit_1_and_every_line_is_located(tree):
    root = tree(
        {
            **complete_files(),
            "content/policies/A.md": "---\ntitle: [broken\n---\n",
            "content/risks/R.md": front(id="R", title="T", likelihood=9, impact=1),
            "content/policies/B.md": b"---\nid: B\ntitle: \xff\n---\n",
        }
    )
    proc = subprocess.run(
        [sys.executable, "-m", "aims_plugin", "check", str(root)], capture_output=True, text=True, cwd=root
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    lines = [line for line in proc.stdout.splitlines() if " error: " in line]
    assert [line.split(":", 2)[:2] for line in lines] == [
        ["content/policies/A.md", "2"],  # the line that opens the list
        ["content/policies/B.md", "3"],
        ["content/risks/R.md", "4"],
    ]


def test_a_check_process_reports_everything_and_tolerates_a_reader_that_leaves(tree):
    """The console script ends a check without freeing the register: its report must still be whole,
    its exit code kept, and a reader that stops early (`| head -1`) must not give a traceback."""
    files = {f"content/policies/P{n}.md": front(id=f"P{n}", title="T", colour="blue") for n in range(900)}
    root = tree({**complete_files(), **files})
    whole = subprocess.run(
        [sys.executable, "-m", "aims_plugin", "check", str(root), "--strict"], capture_output=True, text=True
    )
    assert whole.returncode == 1
    assert sum("AIMS007 warning: unknown key 'colour'" in line for line in whole.stdout.splitlines()) == 900
    assert whole.stdout.rstrip().endswith("900 warnings")
    proc = subprocess.Popen(
        [sys.executable, "-m", "aims_plugin", "check", str(root), "--strict"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()
    errors = proc.stderr.read()
    proc.wait(timeout=60)
    assert "AIMS007" in first
    assert "Traceback" not in errors


def test_warnings_fail_only_with_strict(tree):
    files = complete_files()
    files["content/policies/P.md"] = front(id="P", title="T", colour="blue")
    root = tree(files)
    assert run("check", str(root)).exit_code == 0
    strict = run("check", str(root), "--strict")
    assert strict.exit_code == 1
    assert "content/policies/P.md:4: AIMS007 warning: unknown key 'colour'" in strict.output


def test_json_format(tree):
    root = tree({**complete_files(), "content/policies/P.md": front(id="P", title="T", status="approved")})
    result = run("check", str(root), "--format", "json")
    report = json.loads(result.output)
    assert result.exit_code == 1
    assert report["errors"] == 1 and report["ok"] is False
    assert report["findings"][0] == {
        "path": "content/policies/P.md",
        "line": 4,
        "code": "AIMS016",
        "severity": "error",
        "message": "status is approved but approved_by and approved_on are missing",
    }


def test_usage_errors_exit_2(tmp_path):
    assert run("check", str(tmp_path / "missing")).exit_code == 2
    assert run("check", str(tmp_path)).exit_code == 2  # no content folder
    assert run("check", "--format", "xml", str(tmp_path)).exit_code == 2


def test_content_dir_option_is_read_from_mkdocs_yml(tree):
    root = tree()
    (root / "mkdocs.yml").write_text(
        "site_name: x\nmarkdown_extensions:\n  - pymdownx.emoji:\n"
        "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        "plugins:\n  - search\n  - aims:\n      content_dir: aims\n",
        encoding="utf-8",
    )
    (root / "aims/policies").mkdir(parents=True)
    (root / "aims/policies/P.md").write_text(front(id="P", title="T", owner="x", status="nope"), encoding="utf-8")
    result = run("check", str(root))
    assert result.exit_code == 1
    assert "aims/policies/P.md:5: AIMS006" in result.output


def test_schema_is_json_schema_of_every_kind():
    schema = json.loads(run("schema").output)
    assert schema["$schema"].startswith("https://json-schema.org/")
    names = {ref["$ref"].rsplit("/", 1)[1] for ref in schema["anyOf"]}
    assert {"kind-control", "kind-risk", "kind-evidence", "kind-system", "kind-nonconformity"} <= names
    assert schema["$defs"]["kind-risk"]["properties"]["likelihood"]["maximum"] == 5
    assert schema["$defs"]["kind-risk"]["additionalProperties"] is False


def test_status_counts_and_lists_gaps(tree):
    files = complete_files()
    files["content/controls/A.9.4.md"] = front(
        control="A.9.4", applicable=False, justification="Not used.", owner="O", **APPROVED
    )
    files["content/controls/A.9.3.md"] = front(
        control="A.9.3",
        applicable=True,
        justification="j",
        implementation="in_progress",
        owner="O",
        due="2027-01-31",
        **APPROVED,
    )
    # Claims to be implemented, but its write-up is a draft: it counts neither as written up nor as implemented.
    files["content/controls/A.8.2.md"] = front(
        control="A.8.2", applicable=True, justification="j", implementation="implemented", owner="O"
    )
    del files["content/controls/A.9.2.md"]
    root = tree(files)
    result = run("status", str(root), "--today", "2026-11-24")
    assert result.exit_code == 0, result.output
    assert "controls written up   36 / 38 (95%)" in result.output
    # A.9.2 has no write-up: it still counts, as not implemented; only the approved exclusion leaves the count.
    assert "applicable controls   37  (excluded: 1)" in result.output
    assert "implemented           34 / 37 (92%)" in result.output
    assert "A.9.2 Processes for responsible use of AI systems: no write-up [unassigned]" in result.output
    assert "A.9.3 Objectives for responsible use of AI system: in progress [O, due 2027-01-31]" in result.output
    assert "A.8.2 System documentation and information for users: implemented; write-up draft [O]" in result.output


def test_build_runs_mkdocs_and_fails_on_broken_content(tree, tmp_path):
    from .conftest import site_config

    root = tree(complete_files())
    site_config(root)
    assert run("build", str(root), "--strict", "-d", str(tmp_path / "site")).exit_code == 0
    assert (tmp_path / "site/statement-of-applicability/index.html").exists()
    (root / "content/risks").mkdir()
    (root / "content/risks/R.md").write_text(front(id="R", title="T", likelihood=9, impact=1), encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(root), "--strict", "-d", str(tmp_path / "site2")])
    assert result.exit_code == 1


def test_evidence_add_records_the_hash_and_the_check_catches_a_later_change(tree, tmp_path):
    root = tree(complete_files())
    outside = tmp_path / "fairness-report-q3.csv"
    outside.write_text("group,ratio\n18-25,0.83\n", encoding="utf-8")
    result = run(
        "evidence", "add", str(outside), "-c", "A.5.4", "-c", "A.6.2.6", "--root", str(root), "--today", "2026-11-24"
    )
    assert result.exit_code == 0, result.output
    record = root / "content/evidence/EV-2.md"  # numbering continues after the tree's EV-1
    assert record.is_file() and "EV-2 for fairness-report-q3.csv" in result.output
    copied = root / "content/evidence/files/fairness-report-q3.csv"
    assert copied.read_bytes() == outside.read_bytes()
    text = record.read_text(encoding="utf-8")
    import hashlib

    assert f"sha256: {hashlib.sha256(outside.read_bytes()).hexdigest()}" in text
    assert "size: 23" in text and "collected_on: 2026-11-24" in text and "status: draft" in text
    assert "<!-- aims:placeholder -->" in text and "file: files/fairness-report-q3.csv" in text
    check = run("check", str(root), "--today", "2026-11-24")
    assert check.exit_code == 0, check.output
    # The next one continues the numbering.
    assert "EV-3 " in run("evidence", "add", str(copied), "-c", "A.5.4", "--root", str(root)).output
    # A changed file no longer matches its record: an error naming both.
    copied.write_text("group,ratio\n18-25,0.93\n", encoding="utf-8")
    check = run("check", str(root), "--today", "2026-11-24")
    assert check.exit_code == 1
    assert "content/evidence/EV-2.md:5: AIMS037 error: evidence file 'files/fairness-report-q3.csv'" in check.output
    # Unknown controls are refused with a suggestion; nothing is written.
    bad = run("evidence", "add", str(outside), "-c", "A.5.44", "--root", str(root))
    assert bad.exit_code == 2 and "did you mean 'A.5.4'?" in bad.output
    assert not (root / "content/evidence/EV-4.md").exists()
