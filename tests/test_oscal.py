"""OSCAL interchange: every exported document validates against NIST's OSCAL 1.1.3 schemas and
loads in compliance-trestle; an exported catalog imports back to the same IDs and titles."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
import regex
from click.testing import CliRunner
from jsonschema import validators

from aims_plugin.catalog import load_catalog
from aims_plugin.hosts.cli import main

from .conftest import APPROVED, complete_files, front

REPO = Path(__file__).resolve().parents[1]
SCHEMAS = Path(__file__).parent / "data/oscal"


def _pattern(validator, pattern, instance, schema):
    # NIST's schemas use Unicode property classes (\p{L}), which the `re` module lacks.
    if validator.is_type(instance, "string") and not regex.search(pattern, instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


OscalValidator = validators.extend(jsonschema.Draft7Validator, {"pattern": _pattern})


def schema_errors(document: dict, model: str) -> list[str]:
    schema = json.loads((SCHEMAS / f"oscal_{model}_schema.json").read_text(encoding="utf-8"))
    return [f"{list(e.absolute_path)}: {e.message}" for e in OscalValidator(schema).iter_errors(document)]


def export(root: Path, *args: str) -> dict:
    result = CliRunner().invoke(main, ["export", str(root), *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def trestle_reads(document: dict, model: str, tmp_path: Path) -> object:
    from trestle.oscal.catalog import Catalog
    from trestle.oscal.profile import Profile
    from trestle.oscal.ssp import SystemSecurityPlan

    path = tmp_path / f"{model}.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    cls = {"catalog": Catalog, "profile": Profile, "ssp": SystemSecurityPlan}[model]
    return cls.oscal_read(path)


@pytest.mark.parametrize(
    ("args", "model"),
    [
        (["--format", "oscal-ssp"], "ssp"),
        (["--format", "oscal-catalog"], "catalog"),
        (["--format", "oscal-profile"], "profile"),
        (["--format", "oscal-catalog", "--framework", "nist-ai-rmf"], "catalog"),
        (["--format", "oscal-catalog", "--framework", "eu-ai-act"], "catalog"),
        (["--format", "oscal-ssp", "--framework", "nist-ai-rmf"], "ssp"),
        (["--format", "oscal-ssp", "--framework", "eu-ai-act"], "ssp"),
    ],
)
def test_every_export_of_the_example_is_valid_oscal_for_the_schema_and_for_trestle(args, model, tmp_path):
    document = export(REPO, *args)
    assert schema_errors(document, model) == []
    assert trestle_reads(document, model, tmp_path) is not None


def test_the_schemas_catch_a_broken_document():
    document = export(REPO, "--format", "oscal-ssp")
    del document["system-security-plan"]["metadata"]["title"]
    document["system-security-plan"]["control-implementation"]["implemented-requirements"][0]["uuid"] = "x"
    assert len(schema_errors(document, "ssp")) == 2


def test_the_ssp_states_status_justification_owner_documents_and_hashed_evidence():
    files = complete_files()
    files["content/controls/A.10.4.md"] = front(
        control="A.10.4", applicable=False, justification="We have no customers of AI.", owner="O", **APPROVED
    )
    files["content/controls/A.9.2.md"] = front(
        control="A.9.2", applicable=True, justification="Needed.", implementation="in_progress", owner="Pat", **APPROVED
    )
    root = Path(__import__("tempfile").mkdtemp())
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    plan = export(root, "--format", "oscal-ssp")["system-security-plan"]
    reqs = {r["control-id"]: r for r in plan["control-implementation"]["implemented-requirements"]}
    status = {k: next(p["value"] for p in r["props"] if p["name"] == "implementation-status") for k, r in reqs.items()}
    assert status["A.10.4"] == "not-applicable" and reqs["A.10.4"]["remarks"] == "We have no customers of AI."
    assert status["A.9.2"] == "partial" and status["A.2.2"] == "implemented"
    parties = {p["uuid"]: p["name"] for p in plan["metadata"]["parties"]}
    (role,) = reqs["A.9.2"]["responsible-roles"]
    assert role["role-id"] == "control-owner" and [parties[u] for u in role["party-uuids"]] == ["Pat"]
    evidence = {r["uuid"]: r for r in plan["back-matter"]["resources"]}
    link = reqs["A.2.2"]["links"][0]
    assert link["rel"] == "evidence"
    resource = evidence[link["href"].lstrip("#")]
    assert resource["rlinks"][0]["hashes"][0]["algorithm"] == "SHA-256"
    assert len(resource["rlinks"][0]["hashes"][0]["value"]) == 64
    assert schema_errors({"system-security-plan": plan}, "ssp") == []
    shutil.rmtree(root)


def test_exports_are_deterministic_and_dated_by_the_source(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    first = CliRunner().invoke(main, ["export", str(REPO), "--format", "oscal-ssp"]).output
    again = CliRunner().invoke(main, ["export", str(REPO), "--format", "oscal-ssp"]).output
    assert first == again
    metadata = json.loads(first)["system-security-plan"]["metadata"]
    assert metadata["last-modified"] == "2026-01-01T00:00:00Z" and metadata["oscal-version"] == "1.1.3"


def test_an_exported_catalog_imports_back_to_the_same_ids_and_titles(tree, tmp_path):
    root = tree(complete_files())
    exported = tmp_path / "iso.json"
    exported.write_text(json.dumps(export(root, "--format", "oscal-catalog")), encoding="utf-8")
    result = CliRunner().invoke(
        main, ["import", "oscal-catalog", str(exported), "--as", "iso-copy", "--root", str(root)]
    )
    assert result.exit_code == 0, result.output
    copy = load_catalog("iso-copy", root / "frameworks")
    original = load_catalog()
    assert [(r.id, r.title, r.type, r.parent) for r in copy.requirements.values()] == [
        (r.id, r.title, r.type, r.parent) for r in original.requirements.values()
    ]
    # Enabled, it is a framework like the shipped ones: with a crosswalk of the project's own.
    yml = root / "mkdocs.yml"
    yml.write_text(yml.read_text(encoding="utf-8") + "      frameworks: [iso-copy]\n", encoding="utf-8")
    (root / "frameworks/iso42001--iso-copy.yaml").write_text(
        "crosswalk:\n  from: iso42001\n  to: iso-copy\n  note: One to one.\nmappings:\n"
        + "".join(f"  - {{from: '{r.id}', to: '{r.id}', strength: equivalent}}\n" for r in original.controls),
        encoding="utf-8",
    )
    status = CliRunner().invoke(main, ["status", str(root), "--framework", "iso-copy"])
    assert status.exit_code == 0, status.output
    assert "Evidenced" in status.output


def test_import_locates_what_it_cannot_map_and_writes_nothing(tree, tmp_path):
    root = tree(complete_files())
    bad = tmp_path / "bad.json"
    bad.write_text(
        '{"catalog": {"uuid": "u", "metadata": {"title": "T"},\n'
        ' "groups": [{"id": "g1", "title": "Group",\n'
        '   "controls": [{"id": "c1", "title": "One"},\n'
        '                {"id": "c2"},\n'
        '                {"id": "c1", "title": "Again"}]}]}}\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["import", "oscal-catalog", str(bad), "--as", "x", "--root", str(root)])
    assert result.exit_code == 1
    assert f"{bad}:4: control 'c2' has no title" in result.output
    assert "control ID 'c1' is given twice" in result.output
    assert not (root / "frameworks/x.yaml").exists()
    broken = tmp_path / "broken.json"
    broken.write_text('{"catalog": {\n  "groups": [}\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["import", "oscal-catalog", str(broken), "--as", "x", "--root", str(root)])
    assert result.exit_code == 1 and f"{broken}:2: not JSON" in result.output
    shipped = CliRunner().invoke(
        main, ["import", "oscal-catalog", str(bad), "--as", "nist-ai-rmf", "--root", str(root)]
    )
    assert shipped.exit_code == 1 and "a shipped catalogue has that ID" in shipped.output


def test_an_unknown_framework_setting_is_a_usage_error(tree):
    root = tree(complete_files())
    yml = root / "mkdocs.yml"
    yml.write_text(yml.read_text(encoding="utf-8") + "      frameworks: [nist-ai-rfm]\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 2 and "no catalogue 'nist-ai-rfm'" in result.output


def test_a_mistake_in_a_project_crosswalk_is_a_located_error_not_a_traceback(tree, tmp_path):
    root = tree(complete_files())
    exported = tmp_path / "iso.json"
    exported.write_text(json.dumps(export(root, "--format", "oscal-catalog")), encoding="utf-8")
    CliRunner().invoke(main, ["import", "oscal-catalog", str(exported), "--as", "copy", "--root", str(root)])
    yml = root / "mkdocs.yml"
    yml.write_text(yml.read_text(encoding="utf-8") + "      frameworks: [copy]\n", encoding="utf-8")
    (root / "frameworks/iso42001--copy.yaml").write_text(
        "crosswalk:\n  from: iso42001\n  to: copy\n  note: n\nmappings:\n"
        "  - {from: A.2.2, to: A.2.2, strength: equivalent}\n"
        "  - {from: A.2.3, to: A.9.99, strength: equivalent}\n",
        encoding="utf-8",
    )
    check = CliRunner().invoke(main, ["check", str(root), "--format", "json"])
    (problem,) = [f for f in json.loads(check.output)["findings"] if f["code"] == "AIMS051"]
    assert (problem["path"], problem["line"]) == ("frameworks/iso42001--copy.yaml", 7)
    assert check.exit_code == 1 and "unknown ID" in problem["message"]
    status = CliRunner().invoke(main, ["status", str(root), "--framework", "copy"])
    assert status.exit_code == 1 and "AIMS051" in status.output


def test_objects_keep_their_uuids_across_commits_and_the_plan_gets_a_new_one(tree):
    import subprocess

    root = tree(complete_files())
    env = {"GIT_AUTHOR_NAME": "a", "GIT_AUTHOR_EMAIL": "a@x", "GIT_COMMITTER_NAME": "a", "GIT_COMMITTER_EMAIL": "a@x"}
    env = {**__import__("os").environ, **env}

    def git(*args):
        subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)

    git("init", "-q")
    git("add", ".")
    git("commit", "-qm", "one")
    first = export(root, "--format", "oscal-ssp")["system-security-plan"]
    git("commit", "-q", "--allow-empty", "-m", "two")
    second = export(root, "--format", "oscal-ssp")["system-security-plan"]
    ids = lambda plan: [r["uuid"] for r in plan["control-implementation"]["implemented-requirements"]]  # noqa: E731
    assert ids(first) == ids(second)
    assert first["uuid"] != second["uuid"]
