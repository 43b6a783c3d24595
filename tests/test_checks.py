"""Every finding code, each from a real tree on disk, located to the line."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path

import pytest

from aims_plugin.catalog import load_catalog
from aims_plugin.checks import run_checks
from aims_plugin.files.load import MAX_FILE_BYTES, load
from aims_plugin.register.findings import CODES, Severity

from .conftest import APPROVED, complete_files, front

TODAY = dt.date(2026, 11, 24)


def findings_for(root: Path):
    return run_checks(load(root / "content", display_root=root), TODAY)


def test_complete_tree_has_no_findings(tree):
    root = tree(complete_files())
    assert findings_for(root) == []


CRITERIA = """\
likelihood: [Rare, Unlikely, Possible, Likely, Almost certain]
impact: [Negligible, Minor, Moderate, Major, Severe]
bands:
  - {name: Low, min: 1, max: 8, colour: "#2e7d32", accepted_by: System owner}
  - {name: Medium, min: 9, max: 14, colour: "#b26a00", accepted_by: Chief Risk Officer}
  - {name: High, min: 15, max: 25, colour: "#c62828"}
appetite: Low
"""

RISK_WITH_ACTION = """\
---
id: R
title: Risk
likelihood: 1
impact: 1
actions:
  - id: ACT-1
    title: Fix it
    owner: O
    due: 2020-01-01
---
Body
"""

# (case name, files added to the complete tree, code, path, line)
BAD_CASES = [
    (
        "not utf-8",
        {"content/policies/P.md": b"---\nid: P\ntitle: caf\xe9\n---\n"},
        "AIMS001",
        "content/policies/P.md",
        3,
    ),
    ("empty file", {"content/policies/P.md": ""}, "AIMS002", "content/policies/P.md", 1),
    ("no front matter", {"content/policies/P.md": "# Just a heading\n"}, "AIMS002", "content/policies/P.md", 1),
    ("unclosed", {"content/policies/P.md": "---\nid: P\ntitle: T\n"}, "AIMS002", "content/policies/P.md", 1),
    (
        "broken yaml",
        {"content/policies/P.md": "---\nid: P\ntitle: [unclosed\nowner: x\n---\n"},
        "AIMS003",
        "content/policies/P.md",
        3,  # where the list opens, not where YAML gives up
    ),
    (
        "bad date",
        {"content/policies/P.md": "---\nid: P\ntitle: T\napproved_on: 2026-02-30\n---\n"},
        "AIMS003",
        "content/policies/P.md",
        4,
    ),
    ("nul byte", {"content/policies/P.md": "---\nid: P\ntitle: a\x00b\n---\n"}, "AIMS003", "content/policies/P.md", 3),
    (
        "tab indent",
        {"content/policies/P.md": "---\nid: P\ntitle: T\n\tstatus: approved\n---\n"},
        "AIMS003",
        "content/policies/P.md",
        4,
    ),
    ("list front matter", {"content/policies/P.md": "---\n- a\n- b\n---\n"}, "AIMS004", "content/policies/P.md", 2),
    ("empty front matter", {"content/policies/P.md": "---\n---\nbody\n"}, "AIMS004", "content/policies/P.md", 1),
    (
        "alias bomb",
        {
            "content/policies/P.md": "---\nid: P\ntitle: T\n"
            + "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
            + "".join(
                f"{n}: &{n} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
                for p, n in zip("abcdefgh", "bcdefghi", strict=True)
            )
            + "---\n"
        },
        "AIMS005",
        "content/policies/P.md",
        2,
    ),
    (
        "too large",
        {"content/policies/P.md": "---\nid: P\ntitle: T\n---\n" + "x" * (MAX_FILE_BYTES + 1)},
        "AIMS005",
        "content/policies/P.md",
        1,
    ),
    (
        "wrong type",
        {"content/risks/R.md": front(id="R", title="T", likelihood=7, impact=2)},
        "AIMS006",
        "content/risks/R.md",
        4,
    ),
    (
        "string score",
        {"content/risks/R.md": front(id="R", title="T", likelihood="high", impact=2)},
        "AIMS006",
        "content/risks/R.md",
        4,
    ),
    ("missing title", {"content/policies/P.md": front(id="P")}, "AIMS006", "content/policies/P.md", 1),
    (
        "bad enum",
        {"content/policies/P.md": front(id="P", title="T", status="done")},
        "AIMS006",
        "content/policies/P.md",
        4,
    ),
    (
        "bad kind",
        {"content/policies/P.md": front(id="P", title="T", kind="memo")},
        "AIMS006",
        "content/policies/P.md",
        4,
    ),
    ("typo key", {"content/policies/P.md": front(id="P", title="T", ownr="me")}, "AIMS007", "content/policies/P.md", 4),
    (
        "unsafe id",
        {"content/policies/P.md": front(id="../etc/passwd", title="T")},
        "AIMS008",
        "content/policies/P.md",
        2,
    ),
    ("control char id", {"content/policies/P.md": front(id="P\x07", title="T")}, "AIMS008", "content/policies/P.md", 2),
    ("duplicate id", {"content/policies/P.md": front(id="EV-1", title="T")}, "AIMS009", "content/policies/P.md", 2),
    (
        "unknown policy",
        {"content/controls/A.2.2.md": front(control="A.2.2", applicable=True, justification="j", policies=["POL-404"])},
        "AIMS010",
        "content/controls/A.2.2.md",
        6,
    ),
    (
        "unknown control",
        {"content/risks/R.md": front(id="R", title="T", likelihood=1, impact=1, controls=["A.2.2", "A.11.1"])},
        "AIMS010",
        "content/risks/R.md",
        8,
    ),
    (
        "unknown clause",
        {"content/policies/P.md": front(id="P", title="T", satisfies=["4.9"])},
        "AIMS010",
        "content/policies/P.md",
        5,
    ),
    (
        "unknown system",
        {"content/risks/R.md": front(id="R", title="T", system="SYS-9", likelihood=1, impact=1)},
        "AIMS010",
        "content/risks/R.md",
        4,
    ),
    (
        "unknown framework",
        {"content/policies/P.md": front(id="P", title="T", satisfies=["nist-ai-rmf:GOVERN-1.1"])},
        "AIMS010",
        "content/policies/P.md",
        5,
    ),
    (
        "wrong kind",
        {"content/controls/A.2.2.md": front(control="A.2.2", applicable=True, justification="j", evidence=["POL-1"])},
        "AIMS011",
        "content/controls/A.2.2.md",
        6,
    ),
    (
        "excluded no reason",
        {"content/controls/A.2.2.md": front(control="A.2.2", applicable=False)},
        "AIMS012",
        "content/controls/A.2.2.md",
        3,
    ),
    (
        "included no reason",
        {"content/controls/A.2.2.md": front(control="A.2.2", applicable=True)},
        "AIMS013",
        "content/controls/A.2.2.md",
        3,
    ),
    (
        "missing evidence file",
        {"content/evidence/E.md": front(id="E", title="T", file="files/nope.pdf")},
        "AIMS014",
        "content/evidence/E.md",
        4,
    ),
    (
        "evidence escapes",
        {"content/evidence/E.md": front(id="E", title="T", file="../../mkdocs.yml")},
        "AIMS015",
        "content/evidence/E.md",
        4,
    ),
    (
        "evidence absolute",
        {"content/evidence/E.md": front(id="E", title="T", file="/etc/passwd")},
        "AIMS015",
        "content/evidence/E.md",
        4,
    ),
    (
        "approved without approver",
        {"content/policies/P.md": front(id="P", title="T", status="approved")},
        "AIMS016",
        "content/policies/P.md",
        4,
    ),
    (
        "overdue review",
        {"content/policies/P.md": front(id="P", title="T", next_review=dt.date(2026, 1, 1))},
        "AIMS017",
        "content/policies/P.md",
        4,
    ),
    (
        "two write-ups",
        {"content/controls/dup.md": front(id="A22-again", control="A.2.2", applicable=True, justification="j")},
        "AIMS020",
        "content/controls/dup.md",
        1,
    ),
    (
        "evidence with nothing",
        {"content/evidence/E.md": front(id="E", title="T")},
        "AIMS021",
        "content/evidence/E.md",
        2,
    ),
    (
        "key twice",
        {"content/policies/P.md": "---\nid: P\ntitle: T\ntitle: U\n---\n"},
        "AIMS022",
        "content/policies/P.md",
        4,
    ),
    (
        "unknown cross-ref",
        {"content/policies/P.md": front(id="P", title="T", body="One.\n\nSee [[A.6.2.4]] and [[NOPE-9]].\n")},
        "AIMS024",
        "content/policies/P.md",
        7,
    ),
    ("no folder kind", {"content/notes/N.md": front(id="N", title="T")}, "AIMS023", "content/notes/N.md", 1),
    (
        "colour that is not a colour",
        {"content/risk_criteria.yaml": CRITERIA.replace('"#c62828"', "red")},
        "AIMS030",
        "content/risk_criteria.yaml",
        6,
    ),
    (
        "own control with an Annex A ID",
        {
            "content/controls/OWN.md": (
                "---\ncontrol: A.2.2\norganisation_defined: true\ntitle: Mine\napplicable: true\n---\nB\n"
            )
        },
        "AIMS031",
        "content/controls/OWN.md",
        2,
    ),
    ("overdue action", {"content/risks/R.md": RISK_WITH_ACTION}, "AIMS032", "content/risks/R.md", 7),
    (
        "done without evidence",
        {"content/risks/R.md": RISK_WITH_ACTION.replace("due: 2020-01-01", "status: done")},
        "AIMS033",
        "content/risks/R.md",
        7,
    ),
    (
        "accepting a band nobody may accept",
        {"content/risks/R.md": "---\nid: R\ntitle: Risk\nlikelihood: 5\nimpact: 5\ntreatment: accept\n---\nB\n"},
        "AIMS034",
        "content/risks/R.md",
        6,
    ),
    (
        "evidence file changed since collection",
        {
            "content/evidence/E3.md": "---\nid: E3\ntitle: E\nfile: files/ev1.txt\nsha256: "
            + "ab" * 32
            + "\ncollected_on: 2026-11-01\n---\n"
        },
        "AIMS037",
        "content/evidence/E3.md",
        5,
    ),
    (
        "evidence file without a recorded hash",
        {"content/evidence/E4.md": "---\nid: E4\ntitle: E\ncollected_on: 2026-11-01\nfile: files/ev1.txt\n---\n"},
        "AIMS038",
        "content/evidence/E4.md",
        5,
    ),
    (
        "approval in the future",
        {
            "content/policies/P.md": (
                "---\nid: P\ntitle: T\nstatus: approved\napproved_by: B\napproved_on: 2999-01-01\n---\nB\n"
            )
        },
        "AIMS039",
        "content/policies/P.md",
        6,
    ),
    (
        "evidence with no date",
        {"content/evidence/E2.md": "---\nid: E2\ntitle: E\nurl: https://x.example/e\n---\n"},
        "AIMS036",
        "content/evidence/E2.md",
        2,
    ),
]


@pytest.mark.parametrize(("files", "code", "path", "line"), [c[1:] for c in BAD_CASES], ids=[c[0] for c in BAD_CASES])
def test_bad_input_is_located(tree, files, code, path, line):
    root = tree({**complete_files(), **files})
    found = [f for f in findings_for(root) if f.code == code]
    assert found, f"expected {code}, got {findings_for(root)}"
    assert (found[0].path, found[0].line) == (path, line), found[0].format()
    assert found[0].format().startswith(f"{path}:{line}: {code} ")


def test_every_code_is_covered_by_a_case():
    # 025, 040: tests/test_history.py; 035: test_eu_ai_act_roles_decide_applicability in tests/test_frameworks.py;
    # 041-043 (measured evidence): tests/test_measured.py
    # 044-049 (people, roles, acknowledgements): tests/test_people.py
    elsewhere = {"AIMS018", "AIMS019", "AIMS025", "AIMS035", "AIMS040", "AIMS041", "AIMS042", "AIMS043"}
    elsewhere |= {"AIMS044", "AIMS045", "AIMS046", "AIMS047", "AIMS048", "AIMS049", "AIMS050"}
    elsewhere |= {"AIMS051"}  # tests/test_oscal.py: a project's own crosswalk with a mistake
    tested = {c[2] for c in BAD_CASES} | elsewhere
    assert tested == set(CODES)


def test_missing_write_ups_and_subclauses_are_warnings(tree):
    files = complete_files()
    del files["content/controls/A.9.4.md"]
    files["content/policies/POL-1.md"] = front(id="POL-1", title="AI policy", satisfies=["5.2"], **APPROVED)
    found = findings_for(tree(files))
    missing = [f for f in found if f.code == "AIMS018"]
    assert [f.message.split()[3] for f in missing] == ["A.9.4"]
    uncovered = {f.message.split()[1] for f in found if f.code == "AIMS019"}
    assert "4.1" in uncovered and "5.2" not in uncovered
    assert all(f.severity == Severity.warning for f in missing)


def test_third_level_clause_covers_its_subclause(tree):
    files = complete_files()
    subclauses = [s for s in load_catalog().subclauses if s.id != "6.1"]
    files["content/policies/POL-1.md"] = front(
        id="POL-1", title="AI policy", owner="Owner", satisfies=[s.id for s in subclauses] + ["6.1.3"], **APPROVED
    )
    assert not [f for f in findings_for(tree(files)) if f.code == "AIMS019"]


def test_all_errors_reported_in_one_run(tree):
    files = {**complete_files()}
    for _name, extra, code, _path, _line in BAD_CASES:
        if code in {"AIMS009", "AIMS020"}:
            continue  # these collide with one another's paths
        for rel, text in extra.items():
            files[rel.replace(".md", f"-{code}.md")] = text
    found = findings_for(tree(files))
    assert {c[2] for c in BAD_CASES} - {"AIMS009", "AIMS020"} <= {f.code for f in found}


def test_reference_to_broken_file_is_not_reported_twice(tree):
    files = complete_files()
    files["content/systems/SYS-1.md"] = front(id="SYS-1", title="S", lifecycle="flying")
    files["content/risks/R.md"] = front(id="R", title="T", system="SYS-1", likelihood=1, impact=1)
    codes = [f.code for f in findings_for(tree(files))]
    assert codes.count("AIMS006") == 1 and "AIMS010" not in codes


def test_symlinked_evidence_pointing_out_is_refused(tree, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret", encoding="utf-8")
    root = tree({**complete_files(), "content/evidence/E.md": front(id="E", title="T", file="files/link.txt")})
    os.symlink(secret, root / "content/evidence/files/link.txt")
    register = load(root / "content", display_root=root)
    assert register.by_id["E"].attachment is None
    assert [f.code for f in run_checks(register, TODAY) if f.path.endswith("E.md") and f.code != "AIMS036"] == [
        "AIMS015"
    ]


def test_symlinked_markdown_pointing_out_is_not_read(tree, tmp_path):
    outside = tmp_path / "outside.md"
    outside.write_text(front(id="OUT", title="Outside"), encoding="utf-8")
    root = tree(complete_files())
    os.symlink(outside, root / "content/policies/OUT.md")
    register = load(root / "content", display_root=root)
    assert "OUT" not in register.by_id
    assert any(f.code == "AIMS015" for f in register.findings)


def test_evidence_inside_via_dotdot_is_fine_and_hashed(tree):
    root = tree(
        {
            **complete_files(),
            "content/evidence/sub/E.md": front(id="E", title="T", file="../files/ev1.txt"),
        }
    )
    register = load(root / "content", display_root=root)
    attachment = register.by_id["E"].attachment
    assert attachment is not None and attachment.rel == "evidence/files/ev1.txt"
    assert attachment.size == len("evidence\n")
    assert attachment.sha256 == hashlib.sha256(b"evidence\n").hexdigest()


def test_retired_documents_are_not_overdue(tree):
    files = complete_files()
    files["content/policies/P.md"] = front(id="P", title="T", status="retired", next_review=dt.date(2020, 1, 1))
    assert not [f for f in findings_for(tree(files)) if f.code == "AIMS017"]


def test_bom_and_crlf_are_accepted(tree):
    text = "\ufeff---\r\nid: P\r\ntitle: T\r\nownr: x\r\n---\r\nBody\r\n"
    root = tree({**complete_files(), "content/policies/P.md": text.encode("utf-8")})
    found = [f for f in findings_for(root) if f.path.endswith("P.md")]
    assert [(f.code, f.line) for f in found] == [("AIMS007", 4)]
    assert "did you mean 'owner'" in found[0].message
