"""Honest numbers: work not done never counts as done, and every open item is listed once.

Each test builds a small AIMS in tmp_path and reads the reports that status,
site, pack and exports all show.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from aims_plugin.checks import run_checks
from aims_plugin.files.load import load
from aims_plugin.hosts.cli import main
from aims_plugin.model import Audience
from aims_plugin.reports.bundle import compute

from .conftest import APPROVED, complete_files, front, site_config

TODAY = dt.date(2026, 11, 24)


def reports(root, **load_options):
    return compute(load(root / "content", display_root=root, **load_options).visible_to(Audience.auditor), TODAY)


def findings(root, **load_options):
    return run_checks(load(root / "content", display_root=root, **load_options), TODAY)


def codes(root) -> list[str]:
    return [f.code for f in findings(root)]


def items(r, category: str) -> list[str]:
    return [item.action or item.ref for item in r.readiness.open.of(category)]


def test_complete_approved_tree_has_nothing_open(tree):
    r = reports(tree(complete_files()))
    assert len(r.readiness.open) == 0
    assert str(r.readiness.subclause_coverage) == "24 / 24 (100%)"
    assert str(r.readiness.write_ups) == "38 / 38 (100%)"


@pytest.mark.parametrize(
    ("body", "placeholder"),
    [
        ("<!-- aims:placeholder -->\n\n## Intent\n\nSome text.\n", True),
        ("## Intent\n\n## How we meet it\n\n<!-- later -->\n", True),
        ("", True),
        ("## Intent\n\nWe do this.\n", False),
    ],
)
def test_placeholder_documents_cover_nothing(tree, body, placeholder):
    files = complete_files()
    files["content/policies/POL-1.md"] = front(id="POL-1", title="AI policy", owner="O", satisfies=["4.1"], **APPROVED)
    files["content/clauses/5.1.md"] = front(clause="5.1", owner="O", body=body, **APPROVED)
    r = reports(tree(files))
    covered = {row.subclause for row in r.clauses if row.covered}
    assert ("5.1" in covered) is not placeholder
    if placeholder:
        assert "5.1" in items(r, "not-approved")
        assert r.view.by_id["5.1"].standing.value == "placeholder"


def test_a_register_kind_with_no_body_is_not_a_placeholder(tree):
    r = reports(tree(complete_files()))
    assert r.view.by_id["EV-1"].source.body.strip() == "Body text."
    files = complete_files()
    files["content/evidence/EV-1.md"] = files["content/evidence/EV-1.md"].replace("Body text.\n", "")
    r = reports(tree(files))
    assert r.view.by_id["EV-1"].done and r.readiness.evidenced_fraction.part == 38


def test_drafts_and_reviews_do_not_cover_and_reviews_are_shown_apart(tree):
    files = complete_files()
    files["content/policies/POL-1.md"] = front(id="POL-1", title="AI policy", owner="O", satisfies=["4.1"], **APPROVED)
    files["content/procedures/PRC-1.md"] = front(
        id="PRC-1", title="Draft", owner="O", satisfies=["4.2"], status="draft"
    )
    files["content/procedures/PRC-2.md"] = front(
        id="PRC-2", title="Reviewing", owner="O", satisfies=["4.3"], status="in_review"
    )
    r = reports(tree(files))
    ready = r.readiness
    assert [row.subclause for row in ready.subclauses_covered] == ["4.1"]
    assert [row.subclause for row in ready.subclauses_in_review] == ["4.3"]
    assert str(ready.subclause_coverage) == "1 / 24 (4%)"
    assert {"PRC-1", "PRC-2"} <= set(items(r, "not-approved"))
    uncovered = {i.ref: i.detail for i in ready.open.of("uncovered")}
    assert uncovered["4.3"] == "in review" and uncovered["4.2"] == "no approved document names it"


def test_a_draft_write_up_claiming_implemented_counts_as_neither(tree):
    files = complete_files()
    files["content/controls/A.2.2.md"] = front(
        control="A.2.2", applicable=True, justification="j", implementation="implemented", owner="O", evidence=["EV-1"]
    )
    r = reports(tree(files))
    ready = r.readiness
    assert str(ready.write_ups) == "37 / 38 (97%)"
    assert str(ready.implemented) == "37 / 38 (97%)"
    assert [row.control for row in ready.unapproved_claims] == ["A.2.2"]
    assert "A.2.2" in items(r, "missing-write-ups") and "A.2.2" in items(r, "not-implemented")


def test_percentages_never_round_to_done():
    from aims_plugin.reports.readiness import Fraction

    assert str(Fraction(199, 200)) == "199 / 200 (99%)"
    assert str(Fraction(1, 300)) == "1 / 300 (1%)"
    assert str(Fraction(0, 0)) == "0 / 0 (0%)"


def test_evidence_on_work_in_progress_is_kept_out_of_the_headline(tree):
    files = complete_files()
    files["content/controls/A.2.3.md"] = front(
        control="A.2.3",
        applicable=True,
        justification="j",
        implementation="in_progress",
        due="2027-01-31",
        owner="O",
        evidence=["EV-1"],
        **APPROVED,
    )
    r = reports(tree(files))
    ready = r.readiness
    assert len(ready.evidenced) == 37 and str(ready.implemented) == "37 / 38 (97%)"
    assert ready.evidenced_fraction.part <= ready.implemented.part
    assert [row.control for row in ready.evidence_in_progress] == ["A.2.3"]
    due = {i.ref: i.due for i in ready.open.of("not-implemented")}
    assert due == {"A.2.3": dt.date(2027, 1, 31)}


@pytest.mark.parametrize(
    ("extra", "current"),
    [
        ({"collected_on": "2025-12-01"}, True),  # 12 months after collection: 2026-11-30
        ({"collected_on": "2025-11-20"}, False),  # older than the default shelf life
        ({"collected_on": "2026-09-01", "shelf_life": "1 month"}, False),  # its own, shorter shelf life
        ({"collected_on": "2020-01-01", "expires": "2027-01-01"}, True),  # `expires` decides
        ({"expires": "2026-11-23"}, False),
    ],
)
def test_evidence_is_current_for_its_shelf_life(tree, extra, current):
    files = complete_files()
    fields = {"id": "EV-1", "title": "Evidence", "file": "files/ev1.txt", "controls": ["A.2.2"], "owner": "O"}
    files["content/evidence/EV-1.md"] = front(**fields, **APPROVED, **extra)
    r = reports(tree(files))
    assert r.evidence[0].current is current
    assert (r.readiness.evidenced_fraction.part == 38) is current
    assert ("EV-1" in items(r, "evidence-not-current")) is not current


def test_shelf_life_setting_and_expiry_window(tree):
    files = complete_files()
    fields = {"id": "EV-1", "title": "Evidence", "file": "files/ev1.txt", "controls": ["A.2.2"], "owner": "O"}
    files["content/evidence/EV-1.md"] = front(**fields, **APPROVED, collected_on="2026-06-01")
    root = tree(files)
    assert reports(root).evidence[0].current
    assert not reports(root, shelf_life="3 months").evidence[0].current
    soon = reports(root, shelf_life="6 months")  # current until 2026-11-30: within the 60-day window
    assert items(soon, "evidence-expiring") == ["EV-1"]
    assert items(reports(root, shelf_life="6 months", expiry_window=3), "evidence-expiring") == []


def test_draft_evidence_does_not_count(tree):
    files = complete_files()
    files["content/evidence/EV-1.md"] = front(
        id="EV-1", title="Evidence", file="files/ev1.txt", owner="O", collected_on="2026-11-01"
    )
    r = reports(tree(files))
    assert r.readiness.evidenced_fraction.part == 0
    assert [i.detail for i in r.readiness.open.of("evidence-not-current")] == ["not counted: draft"]


RISK = {"id": "RSK-1", "title": "Bias", "likelihood": 4, "impact": 4, "owner": "O", **APPROVED}


def test_actions_are_tracked_and_checked(tree):
    actions = [
        {"id": "ACT-1", "title": "Retrain", "owner": "O", "due": "2026-11-01"},  # overdue
        {"id": "ACT-2", "title": "Tell the board", "due": "2027-02-01"},  # unassigned
        {"id": "ACT-3", "title": "Fixed", "owner": "O", "status": "done"},  # done without proof
        {
            "id": "ACT-4",
            "title": "Proved",
            "owner": "O",
            "status": "done",
            "closed_on": "2026-10-01",
            "evidence": ["EV-1"],
        },
        {"id": "ACT-5", "title": "Bad proof", "owner": "O", "evidence": ["EV-404", "POL-1"]},
    ]
    files = {
        **complete_files(),
        "content/risks/RSK-1.md": front(**RISK, accepted_by="B", accepted_on="2026-11-01", actions=actions),
    }
    root = tree(files)
    r = reports(root)
    assert items(r, "overdue-actions") == ["ACT-1"]
    late = r.readiness.open.of("overdue-actions")[0]
    assert (late.owner, late.due, late.ref) == ("O", dt.date(2026, 11, 1), "RSK-1")
    assert "23 days late" in late.detail
    assert items(r, "unassigned-actions") == ["ACT-2"]
    # Each action's finding points at its own list item.
    found = {(f.code, f.line, f.message.split(")")[0]) for f in findings(root) if f.path.endswith("RSK-1.md")}
    text = (root / "content/risks/RSK-1.md").read_text(encoding="utf-8").splitlines()
    line_of = {a["id"]: next(n for n, t in enumerate(text, 1) if f"id: {a['id']}" in t) for a in actions}
    assert ("AIMS032", line_of["ACT-1"], "actions[0] (ACT-1") in found
    assert ("AIMS033", line_of["ACT-3"], "actions[2] (ACT-3") in found
    assert ("AIMS010", line_of["ACT-5"], "actions[4] (ACT-5") in found
    assert ("AIMS011", line_of["ACT-5"], "actions[4] (ACT-5") in found
    assert not any(code == "AIMS033" and "ACT-4" in msg for code, _, msg in found)
    # Evidence named by an action is linked back to the record.
    assert r.view.by_id["RSK-1"] in r.links.incoming("EV-1")


def test_action_ids_are_unique_and_actions_are_mappings(tree):
    act = {"id": "ACT-1", "title": "One", "owner": "O"}
    files = {
        **complete_files(),
        "content/risks/RSK-1.md": front(**RISK, accepted_by="B", accepted_on="2026-11-01", actions=[act]),
        "content/reviews/MR-1.md": front(id="MR-1", title="Review", owner="O", actions=[act, {**act, "id": "POL-1"}]),
        "content/audits/AUD-1.md": front(id="AUD-1", title="Audit", owner="O", actions=["Someone: fix it by May"]),
    }
    found = findings(tree(files))
    messages = [f.format() for f in found]
    assert any(
        "MR-1.md" in m and "AIMS009" in m and "(ACT-1): ID is already used by content/reviews/MR-1.md actions[0]" in m
        for m in messages
    )
    assert any("MR-1.md" in m and "AIMS009" in m and "(POL-1): ID is already used by a document" in m for m in messages)
    assert any("AUD-1.md" in m and "actions[0]: an action is a mapping" in m for m in messages), messages


CRITERIA = """\
likelihood: [Rare, Unlikely, Possible, Likely, Almost certain]
impact: [Negligible, Minor, Moderate, Major, Severe]
bands:
  - {name: Low, min: 1, max: 8, colour: "#2e7d32", accepted_by: System owner}
  - {name: Medium, min: 9, max: 14, colour: "#b26a00", accepted_by: Chief Risk Officer}
  - {name: High, min: 15, max: 25, colour: "#c62828"}
appetite: Low
"""


def test_risk_criteria_rate_and_decide_acceptance(tree):
    files = {
        **complete_files(),
        "content/risk_criteria.yaml": CRITERIA,
        # residual 3 x 3 = 9: Medium, above the Low appetite, not accepted
        "content/risks/RSK-1.md": front(**RISK, residual_likelihood=3, residual_impact=3, treatment="mitigate"),
        # accepted, with a record of it
        "content/risks/RSK-2.md": front(
            **{**RISK, "id": "RSK-2"},
            residual_likelihood=3,
            residual_impact=3,
            treatment="accept",
            accepted_by="Chief Risk Officer",
            accepted_on="2026-11-01",
        ),
        # accepting a High risk: nobody may
        "content/risks/RSK-3.md": front(**{**RISK, "id": "RSK-3", "likelihood": 5}, treatment="accept"),
        # inside the appetite
        "content/risks/RSK-4.md": front(**{**RISK, "id": "RSK-4", "likelihood": 1, "impact": 2}),
    }
    root = tree(files)
    r = reports(root)
    rating = {row.record.id: (row.inherent_band.name, row.residual_band.name, row.needs_acceptance) for row in r.risks}
    assert rating == {
        "RSK-1": ("High", "Medium", True),
        "RSK-2": ("High", "Medium", False),
        "RSK-3": ("High", "High", True),
        "RSK-4": ("Low", "Low", False),
    }
    assert items(r, "above-appetite") == ["RSK-1", "RSK-3"]
    found = {f.path.rsplit("/", 1)[1]: f for f in findings(root) if f.code == "AIMS034"}
    assert sorted(found) == ["RSK-1.md", "RSK-3.md"]
    assert found["RSK-1.md"].severity.value == "warning"
    assert found["RSK-3.md"].severity.value == "error" and "let nobody accept" in found["RSK-3.md"].message


def test_default_criteria_are_the_scaffolds_file():
    import yaml

    from aims_plugin.hosts.scaffold import CRITERIA_YAML
    from aims_plugin.model.criteria import DEFAULT_CRITERIA, RiskCriteria

    assert RiskCriteria.model_validate(yaml.safe_load(CRITERIA_YAML)) == DEFAULT_CRITERIA
    assert [b.name for b in DEFAULT_CRITERIA.bands] == ["Low", "Medium", "High", "Very high"]


@pytest.mark.parametrize(
    ("change", "line", "message"),
    [
        (("max: 8", "max: 7"), 1, "no band covers the scores 8-8"),
        (("min: 9", "min: 8"), 1, "overlaps the band before it"),
        (("appetite: Low", "appetite: Tiny"), 1, "appetite 'Tiny' is not one of the bands"),
        (('"#b26a00"', "orange"), 5, "bands.1.colour"),
        (("[Rare, Unlikely, ", "["), 1, "likelihood"),
        (("bands:", "bands: [\n"), 5, "the risk criteria file is not valid YAML"),
    ],
)
def test_bad_risk_criteria_are_located_errors(tree, change, line, message):
    root = tree({**complete_files(), "content/risk_criteria.yaml": CRITERIA.replace(*change)})
    found = [f for f in findings(root) if f.code == "AIMS030"]
    assert found and found[0].path == "content/risk_criteria.yaml", found
    assert found[0].line == line and message in found[0].message, found[0].format()
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 1 and "Traceback" not in result.output


def test_heat_map_and_register_use_the_organisations_bands(tree, tmp_path):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    files = {
        **complete_files(),
        "content/risk_criteria.yaml": CRITERIA,
        "content/risks/RSK-1.md": front(**{**RISK, "likelihood": 3, "impact": 5}, treatment="mitigate"),
    }
    root = tree(files)
    site_config(root)
    build(load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site"), strict=True))
    page = (root / "site/risk-register/index.html").read_text(encoding="utf-8")
    # 15 is High in these criteria (it would be a default "High" of 10-16 too, but coloured #ef6c00).
    assert '<span class="aims-score" style="background: #c62828; color: #ffffff">15 High</span>' in page
    assert 'fill="#c62828"' in page and "<title>High</title>" in page
    assert "nobody: treat or avoid" in page and "1 Rare" in page and "5 Severe" in page


def test_organisation_defined_controls_join_the_soa_in_their_own_group(tree):
    files = complete_files()
    files["content/controls/CAL-1.md"] = front(
        control="CAL-1",
        organisation_defined=True,
        title="Model risk tiering",
        applicable=True,
        justification="Our model risk policy",
        implementation="in_progress",
        due="2027-03-31",
        owner="O",
        **APPROVED,
    )
    files["content/evidence/EV-2.md"] = front(
        id="EV-2",
        title="Tiering list",
        url="https://intranet.example/tiers",
        controls=["CAL-1"],
        collected_on="2026-11-01",
        owner="O",
        **APPROVED,
    )
    root = tree(files)
    assert [f for f in findings(root) if f.severity.value == "error"] == []
    r = reports(root)
    last = r.soa[-1]
    assert (last.control, last.group_title, last.organisation_defined) == (
        "CAL-1",
        "Organisation-defined controls",
        True,
    )
    assert [e.id for e in last.evidence] == ["EV-2"] and last.evidence_in_progress
    assert str(r.readiness.implemented) == "38 / 39 (97%)"
    # A title is required, and an Annex A ID cannot be reused.
    files["content/controls/CAL-1.md"] = front(control="CAL-1", organisation_defined=True, applicable=True)
    assert "AIMS006" in codes(tree(files))


def test_soa_record_is_the_soa_document_control_on_site_pack_and_exports(tree):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from .conftest import pdf_text

    files = complete_files()
    files["content/soa/SOA.md"] = front(
        id="SOA",
        title="Statement of Applicability",
        owner="CISO",
        review_every="12 months",
        body="Kept up to date from the control write-ups.\n",
        **{**APPROVED, "version": "3.1"},
    )
    root = tree(files)
    site_config(root)
    yml = root / "mkdocs.yml"
    yml.write_text(yml.read_text(encoding="utf-8") + "      pdf: true\n", encoding="utf-8")
    build(load_config(str(yml), site_dir=str(root / "site"), strict=True))
    page = (root / "site/statement-of-applicability/index.html").read_text(encoding="utf-8")
    control = page.split('id="record-SOA"', 1)[1].split("</table>", 1)[0]
    assert "3.1" in control and "CISO" in control and "Top management" in control
    assert "Kept up to date from the control write-ups." in page
    assert not (root / "site/soa").exists()
    data = json.loads((root / "site/statement-of-applicability.json").read_text(encoding="utf-8"))
    assert data["document_control"]["version"] == "3.1" and data["document_control"]["status"] == "approved"
    text = pdf_text(root / "site/aims-pack.pdf")
    assert "Document control" in text and "3.1" in text.split("Statement of Applicability", 2)[-1]
    # A second SoA record is an error.
    files["content/soa/SOA-2.md"] = front(id="SOA-2", title="Another")
    assert "AIMS020" in codes(tree(files))


def test_control_pages_name_their_annex_b_guidance(tree, tmp_path):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    root = tree(complete_files())
    site_config(root)
    build(load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site"), strict=True))
    page = (root / "site/controls/A.6.2.4/index.html").read_text(encoding="utf-8")
    assert "Implementation guidance: ISO/IEC 42001:2023 Annex B, B.6.2.4." in page
    coverage = (root / "site/coverage/index.html").read_text(encoding="utf-8")
    assert "24 / 24 subclauses are covered by at least one approved document" in coverage


def test_a_draft_system_decides_no_applicability(tree):
    from aims_plugin.reports.frameworks import organisation_roles

    files = {
        **complete_files(),
        "content/systems/SYS-1.md": front(id="SYS-1", title="S", eu_ai_act_roles=["distributor"]),
    }
    assert organisation_roles(load(tree(files) / "content", frameworks=["eu-ai-act"])) == ()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"collected_on": "9999-12-01"}, "expected a date between 1900 and 2999"),
        ({"collected_on": "2026-01-01", "shelf_life": "99999 years"}, "shelf_life"),
    ],
)
def test_dates_beyond_reason_are_refused_not_a_traceback(tree, fields, message):
    files = complete_files()
    files["content/evidence/EV-2.md"] = front(id="EV-2", title="E", url="https://x.example/e", **fields)
    root = tree(files)
    found = [f for f in findings(root) if f.path.endswith("EV-2.md")]
    assert [f.code for f in found] == ["AIMS006"] and message in found[0].message
    assert CliRunner().invoke(main, ["status", str(root)]).exit_code == 0


def test_every_internal_link_of_the_pack_has_its_target(tree):
    """Including catalogue entries with no write-up (they land in the SoA or the coverage matrix)."""
    import re

    from aims_plugin.outputs.pack.compose import PackOptions, build_pack

    files = complete_files()
    del files["content/controls/A.9.4.md"]
    files["content/policies/POL-1.md"] = front(id="POL-1", title="AI policy", owner="O", satisfies=["4.1"], **APPROVED)
    files["content/risks/RSK-1.md"] = front(
        **RISK, accepted_by="B", accepted_on="2026-11-01", actions=[{"id": "ACT-1", "title": "Do", "due": "2026-01-01"}]
    )
    view = load(tree(files) / "content", frameworks=["nist-ai-rmf", "eu-ai-act"]).visible_to(Audience.auditor)
    html = build_pack(compute(view, TODAY), created=dt.datetime(2026, 11, 24), options=PackOptions()).html
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    dangling = sorted({h for h in re.findall(r'href="#([^"]+)"', html) if h not in ids})
    assert dangling == []


def test_acceptance_follows_the_bands(tree):
    files = {
        **complete_files(),
        "content/risk_criteria.yaml": CRITERIA,
        "content/risks/RSK-1.md": front(
            **{**RISK, "likelihood": 5, "impact": 5},
            treatment="mitigate",
            accepted_by="Intern",
            accepted_on="2026-11-01",
        ),
        "content/risks/RSK-2.md": front(**{**RISK, "id": "RSK-2", "likelihood": 5, "impact": 5}, treatment="transfer"),
        "content/risks/RSK-3.md": front(
            **{**RISK, "id": "RSK-3", "likelihood": 3, "impact": 3}, accepted_by="CRO", accepted_on="2027-06-01"
        ),
    }
    found = {(f.path.rsplit("/", 1)[1], f.code, f.severity.value): f.message for f in findings(tree(files))}
    assert "nobody accept" in found[("RSK-1.md", "AIMS034", "error")]
    assert "treat it until it is lower" in found[("RSK-2.md", "AIMS034", "warning")]
    assert ("RSK-3.md", "AIMS039", "warning") in found  # accepted in the future


def test_an_own_control_cannot_take_a_documents_id(tree):
    files = complete_files()
    files["content/controls/POL-1.md"] = front(
        id="ORGX", control="POL-1", organisation_defined=True, title="X", applicable=True
    )
    found = [f for f in findings(tree(files)) if f.code == "AIMS009"]
    assert found and "POL-1 is already the ID of content/policies/POL-1.md" in found[0].message


def test_records_hidden_from_the_audience_are_not_reported_missing(tree):
    files = complete_files()
    for name, text in list(files.items()):
        if name.startswith("content/controls/"):
            files[name] = text.replace("status: approved", "classification: confidential\nstatus: approved")
    register = load(tree(files) / "content")
    view = compute(register.visible_to(Audience.internal), TODAY)
    assert len(view.readiness.withheld) == 38
    assert items(view, "missing-write-ups") == [] and items(view, "not-implemented") == []
    assert str(view.readiness.write_ups) == "0 / 0 (0%)"


def test_a_tampered_evidence_file_is_not_current(tree):
    root = tree(complete_files())
    (root / "content/evidence/files/ev1.txt").write_text("evidencE\n", encoding="utf-8")
    r = reports(root)
    assert r.readiness.evidenced_fraction.part == 0
    assert [i.detail for i in r.readiness.open.of("evidence-not-current")] == [
        "its file no longer matches the hash recorded at collection"
    ]
    assert "AIMS037" in codes(root)


def test_duplicate_action_ids_in_one_flow_list_and_cross_references_to_actions(tree):
    files = complete_files()
    files["content/risks/RSK-1.md"] = (
        "---\nid: RSK-1\ntitle: R\nlikelihood: 1\nimpact: 1\nactions: [{id: A1, title: x}, {id: A1, title: y}]\n---\n"
        "See [[A1]].\n"
    )
    found = findings(tree(files))
    assert [f.code for f in found if f.code == "AIMS009"] == ["AIMS009"]
    assert not [f for f in found if f.code == "AIMS024"]
