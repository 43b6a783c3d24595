"""`aims new` and `aims approve`: records written with the next free ID, approvals recorded and committed."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

import yaml
from click.testing import CliRunner

from aims_plugin.checks import run_checks
from aims_plugin.files.load import load
from aims_plugin.hosts.cli import main

from .conftest import complete_files, front

TODAY = dt.date(2026, 11, 24)


def run(*args: str):
    return CliRunner().invoke(main, [*args, "--today", TODAY.isoformat()])


def meta(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


def test_new_writes_the_next_free_id_with_every_required_field_as_a_placeholder(tree):
    files = complete_files()
    files["content/risks/RSK-007.md"] = front(id="RSK-007", title="Old", likelihood=1, impact=1)
    files["content/systems/SYS-001.md"] = front(id="SYS-001", title="Scorer")
    root = tree(files)
    result = run("new", "risk", "Drift in scores", "--root", str(root))
    assert result.exit_code == 0, result.output
    data = meta(root / "content/risks/RSK-008.md")
    assert data == {
        "id": "RSK-008",
        "title": "Drift in scores",
        "status": "draft",
        "likelihood": 3,
        "impact": 3,
        "version": "0.1",
    }
    assessment = run("new", "impact_assessment", "Scorer v2", "--root", str(root))
    assert assessment.exit_code == 0 and meta(root / "content/assessments/AIA-001.md")["system"] == "SYS-001"
    audit = run("new", "audit", "Internal audit 2026", "--root", str(root))
    assert audit.exit_code == 0 and (root / "content/audits/AUD-2026-001.md").exists()
    register = load(root / "content")
    new = register.by_id["RSK-008"]
    assert new.source.placeholder and not new.done  # counts as not written
    assert not [f for f in run_checks(register, TODAY) if f.severity == "error"]
    assert run("new", "control", "X", "--root", str(root)).exit_code == 2
    assert "not a kind" in run("new", "widget", "X", "--root", str(root)).output


def test_approve_sets_the_approval_bumps_the_version_and_commits_with_a_trailer(tree):
    files = complete_files()
    files["content/policies/POL-9.md"] = front(
        id="POL-9",
        title="Policy",
        owner="O",
        status="draft",
        version="1.2",
        review_every="12 months",
        body="# Policy\n\nWhat we do.\n",
    )
    root = tree(files)
    env = {"GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "ada@example.org", "GIT_COMMITTER_NAME": "Ada"}
    env |= {"GIT_COMMITTER_EMAIL": "ada@example.org", "HOME": str(root), "PATH": os.environ["PATH"]}
    for args in (["init", "-q"], ["add", "."], ["commit", "-qm", "AIMS"]):
        subprocess.run(["git", "-C", str(root), *args], check=True, env=env, capture_output=True)
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        result = run("approve", "POL-9", "--by", "Grace Hopper", "--commit", "--root", str(root))
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    assert result.exit_code == 0, result.output
    assert "approved by Grace Hopper as version 1.3, next review 2027-11-24; committed" in result.output
    data = meta(root / "content/policies/POL-9.md")
    assert (data["status"], data["version"], data["approved_by"]) == ("approved", "1.3", "Grace Hopper")
    assert (data["approved_on"], data["next_review"]) == (TODAY, dt.date(2027, 11, 24))
    log = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%B"], capture_output=True, text=True).stdout
    assert "Approve POL-9 version 1.3" in log and "Approved-by: Grace Hopper" in log
    register = load(root / "content")
    approval = register.history.approval("policies/POL-9.md", "Grace Hopper")
    assert approval is not None and approval.attested_by == "Approved-by trailer"


def test_approve_refuses_a_placeholder_and_an_unknown_id(tree):
    files = complete_files()
    root = tree(files)
    made = run("new", "policy", "Draft", "--root", str(root))
    assert made.exit_code == 0
    key = made.output.split(": ", 1)[1].split()[0]
    placeholder = run("approve", key, "--by", "X", "--root", str(root))
    assert placeholder.exit_code == 1 and "not written yet" in placeholder.output
    unknown = run("approve", "POL-404", "--by", "X", "--root", str(root))
    assert unknown.exit_code == 1 and "no record has the ID 'POL-404'" in unknown.output


def test_a_new_major_version_takes_effect_when_approved_and_bad_versions_are_refused(tree):
    files = complete_files()
    files["content/policies/POL-9.md"] = front(
        id="POL-9",
        title="Policy",
        owner="O",
        status="approved",
        version="1.2",
        approved_by="X",
        approved_on="2026-01-05",
        effective="2026-01-10",
        body="# Policy\n\nWhat we do.\n",
    )
    root = tree(files)
    assert run("approve", "POL-9", "--by", "Y", "--version", "2.0", "--root", str(root)).exit_code == 0
    data = meta(root / "content/policies/POL-9.md")
    assert (data["version"], data["effective"]) == ("2.0", TODAY)
    lower = run("approve", "POL-9", "--by", "Y", "--version", "1.5", "--root", str(root))
    assert lower.exit_code == 1 and "lower than the current one" in lower.output
    odd = run("approve", "POL-9", "--by", "[Ruth", "--version", '2"x', "--root", str(root))
    assert odd.exit_code == 1 and "numbers and dots" in odd.output
    named = run("approve", "POL-9", "--by", "[Ruth", "--root", str(root))
    assert named.exit_code == 0 and meta(root / "content/policies/POL-9.md")["approved_by"] == "[Ruth"
