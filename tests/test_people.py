"""People, roles, competence and acknowledgements: read from CSV and Markdown, checked, shown, collected."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from aims_plugin.checks import run_checks
from aims_plugin.files.load import load
from aims_plugin.files.reading import MAX_FILE_BYTES
from aims_plugin.hosts.cli import main
from aims_plugin.model import Audience
from aims_plugin.reports.bundle import compute

from .conftest import APPROVED, build_site, complete_files, front

TODAY = dt.date.today()
LONG_AGO = TODAY - dt.timedelta(days=400)
RECENT = TODAY - dt.timedelta(days=5)

ACK = "person,document,version,date\n"
PEOPLE = """\
id,name,email,roles,team,joined
P1,Ada Byron,ada@example.org,R-GOV,Governance,
P2,Alan Turing,alan@example.org,R-STAFF,Lending,
P3,Grace Hopper,grace@example.org,R-STAFF,Lending,
P4,Joan Clarke,joan@example.org,R-STAFF;R-GOV,Fraud,
"""


def role(key: str, title: str = "", **extra: object) -> str:
    body = "## Responsibilities\n\nDoes the work.\n"
    return front(id=key, title=title or f"Role {key}", **APPROVED, **extra, body=body)


def people_files(**overrides: str) -> dict[str, str]:
    """The complete tree with a people register, two roles, a training record and a policy to acknowledge."""
    files = complete_files()
    files.update(
        {
            "content/people/people.csv": PEOPLE,
            "content/roles/R-GOV.md": role("R-GOV", competences=["governance"]),
            "content/roles/R-STAFF.md": role("R-STAFF", required_reading=["POL-A"]),
            # The complete tree's owner and approver, as roles.
            "content/roles/R-TOP.md": role("R-TOP", "Top management", holders=["P1"]),
            "content/roles/R-OWN.md": role("R-OWN", "Owner", holders=["P1"]),
            "content/training/T1.md": front(
                id="T1",
                title="Governance course",
                date=LONG_AGO,
                competences=["governance"],
                attendees=["P1", "P4"],
                **APPROVED,
            ),
            "content/policies/POL-A.md": front(
                id="POL-A",
                title="AI policy",
                owner="Ada Byron",
                **{**APPROVED, "approved_by": "P4", "approved_on": LONG_AGO},
                effective=LONG_AGO + dt.timedelta(days=1),
                acknowledge_by="all",
            ),
            "content/acknowledgements/lms.csv": "person,document,version,date\n"
            + "".join(f"{p},POL-A,1.0,{LONG_AGO + dt.timedelta(days=3)}\n" for p in ("P1", "P2", "P3", "P4")),
        }
    )
    files.update(overrides)
    return files


def findings(root: Path, today: dt.date = TODAY):
    return run_checks(load(root / "content", display_root=root), today)


def codes(root: Path, code: str) -> list[str]:
    return [f.format() for f in findings(root) if f.code == code]


def test_a_complete_people_tree_is_clean(tree):
    root = tree(people_files())
    assert [f.format() for f in findings(root)] == []
    register = load(root / "content")
    assert sorted(register.people.persons) == ["P1", "P2", "P3", "P4"]
    assert [p.id for p in register.people.holders("R-GOV")] == ["P1", "P4"]


BAD_ROWS = [
    (
        "wrong column count",
        {"content/people/people.csv": PEOPLE + "P5,Extra Person,e@example.org,R-STAFF,Lending,,surplus\n"},
        "AIMS044",
        "content/people/people.csv:6:",
        "has 7 values; the header names 6",
    ),
    (
        "bad e-mail",
        {"content/people/people.csv": PEOPLE.replace("alan@example.org", "alan-at-example")},
        "AIMS044",
        "content/people/people.csv:3:",
        "column 'email': not an e-mail address",
    ),
    (
        "bad joining date",
        {"content/people/people.csv": PEOPLE.replace("Lending,\nP3", "Lending,01/12/2026\nP3")},
        "AIMS044",
        "content/people/people.csv:3:",
        "column 'joined': use YYYY-MM-DD",
    ),
    (
        "duplicate person",
        {"content/people/z-contractors.csv": "id,name\nP2,Someone Else\n"},
        "AIMS009",
        "content/people/z-contractors.csv:2:",
        "already used by content/people/people.csv:3",
    ),
    (
        "unknown role",
        {"content/people/people.csv": PEOPLE.replace("R-STAFF,Lending,\nP3", "R-STAF,Lending,\nP3")},
        "AIMS010",
        "content/people/people.csv:3:",
        "did you mean 'R-STAFF'?",
    ),
    (
        "missing header column",
        {"content/people/people.csv": "id,fullname\nP1,Ada\n"},
        "AIMS044",
        "content/people/people.csv:1:",
        "no 'name' column",
    ),
    (
        "empty file",
        {"content/acknowledgements/empty.csv": ""},
        "AIMS045",
        "content/acknowledgements/empty.csv:1:",
        "the file is empty",
    ),
    (
        "ack of an unknown person",
        {"content/acknowledgements/x.csv": ACK + "P1,POL-A,1.0,2026-01-05\nP9,POL-A,1.0,2026-01-05\n"},
        "AIMS045",
        "content/acknowledgements/x.csv:3:",
        "'P9' is not in the people register",
    ),
    (
        "ack with a bad date",
        {"content/acknowledgements/x.csv": ACK + "P1,POL-A,1.0,05/01/2026\n"},
        "AIMS045",
        "content/acknowledgements/x.csv:2:",
        "use YYYY-MM-DD (got '05/01/2026')",
    ),
    (
        "ack row of one value (tab-separated)",
        {"content/acknowledgements/x.csv": ACK + "P1\tPOL-A\t1.0\t2026-01-05\n"},
        "AIMS045",
        "content/acknowledgements/x.csv:2:",
        "this row has 1 value; the header names 4 columns",
    ),
    (
        "ack with an empty first value",
        {"content/acknowledgements/x.csv": ACK + "P1,POL-A,1.0,2026-01-05\n,POL-A,1.0,2026-01-05\n"},
        "AIMS045",
        "content/acknowledgements/x.csv:3:",
        "column 'person' is empty",
    ),
    (
        "ack with an empty value inside the row",
        {"content/acknowledgements/x.csv": ACK + "P1,POL-A,,2026-01-05\nP1,POL-A,1.0,2026-01-05\n"},
        "AIMS045",
        "content/acknowledgements/x.csv:2:",
        "column 'version' is empty",
    ),
    (
        "ack with an empty last value",
        {"content/acknowledgements/x.csv": ACK + "P1,POL-A,1.0,2026-01-05\nP1,POL-A,1.0,"},
        "AIMS045",
        "content/acknowledgements/x.csv:3:",
        "column 'date': use YYYY-MM-DD (got 'nothing')",
    ),
    (
        "attendance file with an empty person",
        {
            "content/training/T2.md": front(id="T2", title="Awareness", date=RECENT, attendees_file="T2.csv"),
            "content/training/T2.csv": "person,result\nP2,passed\n,passed\n",
        },
        "AIMS044",
        "content/training/T2.csv:3:",
        "column 'person' is empty",
    ),
    (
        "ack of an unknown document",
        {"content/acknowledgements/x.csv": ACK + "P1,POL-B,1.0,2026-01-05\n"},
        "AIMS045",
        "content/acknowledgements/x.csv:2:",
        "no policy or procedure has the ID 'POL-B'",
    ),
    (
        "ack of a version not issued",
        {"content/acknowledgements/x.csv": ACK + "P1,POL-A,2.0,2026-01-05\n"},
        "AIMS045",
        "content/acknowledgements/x.csv:2:",
        "POL-A has no version 2.0 (its current version is 1.0)",
    ),
    (
        "BOM and CRLF keep lines",
        {
            "content/acknowledgements/x.csv": "\ufeff"
            + (ACK + "P1,POL-A,1.0,2026-01-05\nP9,POL-A,1.0,2026-01-05\n").replace("\n", "\r\n")
        },
        "AIMS045",
        "content/acknowledgements/x.csv:3:",
        "'P9' is not in the people register",
    ),
    (
        "a quoted value over two lines moves the rows after it",
        {"content/acknowledgements/x.csv": ACK + '"P1\n",POL-A,1.0,2026-01-05\nP9,POL-A,1.0,2026-01-05\n'},
        "AIMS045",
        "content/acknowledgements/x.csv:4:",
        "'P9' is not in the people register",
    ),
    (
        "ack file not UTF-8",
        {"content/acknowledgements/x.csv": ACK.encode() + b"P1,POL-A,1.0,2026-01-05\nP\xe9,POL-A,1.0,2026-01-05\n"},
        "AIMS045",
        "content/acknowledgements/x.csv:3:",
        "not UTF-8",
    ),
    (
        "holder not in the register",
        {"content/roles/R-GOV.md": role("R-GOV", holders=["P1", "P7"], competences=["governance"])},
        "AIMS010",
        "content/roles/R-GOV.md:",
        "holders: 'P7' is not in the people register",
    ),
    (
        "attendance file with an unknown person",
        {
            "content/training/T2.md": front(id="T2", title="Awareness", date=RECENT, attendees_file="T2.csv"),
            "content/training/T2.csv": "person,result\nP2,passed\nP8,passed\n",
        },
        "AIMS010",
        "content/training/T2.csv:3:",
        "'P8' is not in the people register",
    ),
]


@pytest.mark.parametrize(("files", "code", "where", "message"), [c[1:] for c in BAD_ROWS], ids=[c[0] for c in BAD_ROWS])
def test_bad_rows_are_located_to_their_file_and_line(tree, files, code, where, message):
    root = tree({**people_files(), **files})
    found = codes(root, code)
    assert any(f.startswith(where) and message in f for f in found), found


def test_a_bad_row_does_not_stop_the_others(tree):
    text = "person,document,version,date\nP9,POL-A,1.0,2026-01-05\nP1,POL-A,1.0,bad\nP2,POL-A,1.0,2026-01-06\n"
    root = tree(people_files(**{"content/acknowledgements/x.csv": text}))
    assert len(codes(root, "AIMS045")) == 2
    register = load(root / "content")
    ack = next(a for a in register.people.ack_files if a.display.endswith("x.csv"))
    # The row with a bad date is left out; the unknown person's row stays, so its error keeps its line.
    assert ack.persons == ("P9", "P2") and ack.lines == (2, 4)


def test_a_role_without_holders_and_missing_competences_are_gaps(tree):
    expired = front(
        id="T1",
        title="Course",
        date=LONG_AGO,
        valid_for="6 months",
        competences=["governance"],
        attendees=["P1"],
        **APPROVED,
    )
    root = tree(
        people_files(
            **{
                "content/roles/R-NONE.md": role("R-NONE"),
                "content/training/T1.md": expired,
            }
        )
    )
    assert [f.split(": ", 1)[0] for f in codes(root, "AIMS046")] == ["content/roles/R-NONE.md:1"] or codes(
        root, "AIMS046"
    )[0].startswith("content/roles/R-NONE.md:")
    gaps = codes(root, "AIMS047")
    assert len(gaps) == 2
    assert any("P1 (Ada Byron) holds R-GOV but lacks 'governance': T1 gave it, but it expired on" in g for g in gaps)
    assert any("P4 (Joan Clarke) holds R-GOV but lacks 'governance': no training record gives it" in g for g in gaps)
    assert all(g.startswith("content/roles/R-GOV.md:") for g in gaps)


def test_acknowledgement_rate_is_checked_after_the_grace_period(tree):
    acks = "person,document,version,date\n" + "".join(f"{p},POL-A,1.0,{LONG_AGO}\n" for p in ("P1", "P2", "P3"))
    root = tree(people_files(**{"content/acknowledgements/lms.csv": acks}))
    (warning,) = codes(root, "AIMS048")
    assert warning.startswith("content/policies/POL-A.md:")
    assert "3 / 4 of the people due have acknowledged version 1.0 (75.0 %, target 95 %)" in warning
    # Within the grace period nothing is due yet.
    recent = people_files(**{"content/acknowledgements/lms.csv": acks})
    recent["content/policies/POL-A.md"] = recent["content/policies/POL-A.md"].replace(
        f"effective: {LONG_AGO + dt.timedelta(days=1)}", f"effective: {RECENT}"
    )
    assert codes(tree(recent), "AIMS048") == []


def test_a_new_joiner_is_not_due_until_their_grace_period_ends(tree):
    acks = "person,document,version,date\n" + "".join(f"{p},POL-A,1.0,{LONG_AGO}\n" for p in ("P1", "P2", "P3"))
    people = PEOPLE.replace("R-STAFF;R-GOV,Fraud,", f"R-STAFF;R-GOV,Fraud,{RECENT}")
    root = tree(people_files(**{"content/acknowledgements/lms.csv": acks, "content/people/people.csv": people}))
    assert codes(root, "AIMS048") == []
    register = load(root / "content")
    (row,) = compute(register.visible_to(Audience.internal), TODAY).acknowledgements
    assert [p.id for p in row.missing] == ["P4"] and row.overdue == []
    assert (len(row.acknowledged), len(row.required)) == (3, 4)


def test_a_major_version_needs_fresh_acknowledgements_and_a_minor_one_does_not(tree):
    def rate(version: str) -> tuple[int, int]:
        files = people_files()
        files["content/policies/POL-A.md"] = files["content/policies/POL-A.md"].replace(
            "version: '1.0'", f"version: '{version}'"
        )
        register = load(tree(files) / "content")
        (row,) = compute(register.visible_to(Audience.internal), TODAY).acknowledgements
        return len(row.acknowledged), len(row.required)

    assert rate("1.3") == (4, 4)
    assert rate("2.0") == (0, 4)


def test_names_must_be_in_the_register_or_name_a_role(tree):
    files = people_files()
    files["content/policies/POL-A.md"] = files["content/policies/POL-A.md"].replace(
        "owner: Ada Byron", "owner: Ada Bryon"
    )
    files["content/policies/POL-C.md"] = front(id="POL-C", title="Other", owner="Role R-GOV", **APPROVED)
    found = codes(tree(files), "AIMS049")
    assert any(
        "owner: 'Ada Bryon' is in no people register and names no role; did you mean 'Ada Byron'?" in f for f in found
    )
    assert all("Role R-GOV" in f or "Ada Bryon" in f or "Top management" in f for f in found)
    # A person's ID, a name with a title in brackets and a role's title are all fine.
    files["content/policies/POL-A.md"] = files["content/policies/POL-A.md"].replace("owner: Ada Bryon", "owner: P1")
    files["content/policies/POL-C.md"] = front(id="POL-C", title="Other", owner="Joan Clarke (CRO)", **APPROVED)
    assert not [f for f in codes(tree(files), "AIMS049") if "POL-A" in f or "POL-C" in f]


def test_people_can_be_markdown_records_beside_csv(tree):
    person = "---\nid: P5\nname: Katherine Johnson\nroles: [R-STAFF]\nteam: Lending\n---\nNotes.\n"
    bad = "---\nid: P6\nname: Bad Key\nrole: [R-STAFF]\n---\n"
    root = tree(people_files(**{"content/people/P5.md": person, "content/people/P6.md": bad}))
    register = load(root / "content")
    assert register.people.persons["P5"].roles == ("R-STAFF",)
    (problem,) = [f.format() for f in findings(root) if "P6.md" in f.path]
    assert problem.startswith("content/people/P6.md:4:") and "did you mean 'roles'?" in problem


@pytest.mark.parametrize("blank", ["\u00a0", "\x0b", "\u3000"])
def test_values_are_stripped_of_any_space_around_them_as_the_csv_path_strips_them(tree, blank):
    files = people_files(**{"content/acknowledgements/x.csv": ACK + f"P1{blank},POL-A,1.0,2026-01-05\n"})
    root = tree(files)
    assert not [f for f in findings(root) if "x.csv" in f.path]
    # Quoted (the csv module's path), the same.
    files["content/acknowledgements/x.csv"] = ACK + f'"P1{blank}",POL-A,1.0,2026-01-05\n'
    assert not [f for f in findings(tree(files)) if "x.csv" in f.path]


def test_an_oversized_person_file_is_refused_where_it_is_and_the_rest_is_read(tree):
    huge = "---\nid: P5\nname: Katherine Johnson\n---\n" + "x" * (MAX_FILE_BYTES + 1)
    root = tree(people_files(**{"content/people/P5.md": huge}))
    (problem,) = [f.format() for f in findings(root) if "P5.md" in f.path]
    assert problem.startswith("content/people/P5.md:1: AIMS044 error: file is larger than 2048 KiB")
    people = load(root / "content").people.persons
    assert "P5" not in people and "P1" in people


def test_sites_show_acknowledgements_and_holders_to_staff_and_no_names_to_the_public(tree):
    root = tree(people_files())
    internal = build_site(root, audience="internal", strict=False)
    page = (internal / "acknowledgements/index.html").read_text(encoding="utf-8")
    assert "4 / 4" in page and "POL-A" in page
    role_page = (internal / "roles/R-GOV/index.html").read_text(encoding="utf-8")
    assert "Ada Byron" in role_page and "Joan Clarke" in role_page
    policy = (internal / "policies/POL-A/index.html").read_text(encoding="utf-8")
    assert "Acknowledged by" in policy and "4 / 4" in policy


def test_a_public_build_of_the_example_names_no_one_from_the_people_register(tmp_path):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    repo = Path(__file__).resolve().parents[1]
    project = tmp_path / "example"
    for name in ("content", "docs"):
        shutil.copytree(repo / name, project / name)
    for name in ("mkdocs.yml", "mkdocs-public.yml"):
        shutil.copy(repo / name, project / name)
    site = project / "site-public"
    # The example's public configuration: it inherits mkdocs.yml and changes the audience only.
    build(load_config(str(project / "mkdocs-public.yml"), strict=True))
    assert "Calder Finance Ltd" in (site / "index.html").read_text(encoding="utf-8")
    assert (site / "aims-pack.pdf").exists()  # `pdf: true` is inherited
    names = load(project / "content").people.names()
    assert len(names) >= 40
    texts = {
        path: path.read_bytes().decode("utf-8", "replace")
        for path in site.rglob("*")
        if path.is_file() and path.suffix in (".html", ".json", ".xml", ".csv", ".txt", ".js")
    }
    assert any(p.name == "search_index.json" for p in texts) and any(p.name == "sitemap.xml" for p in texts)
    leaks = [(str(path.relative_to(site)), name) for path, text in texts.items() for name in names if name in text]
    assert leaks == []
    # The public still sees who is answerable, by role.
    policy = (site / "policies/POL-001/index.html").read_text(encoding="utf-8")
    assert "AI governance lead" in policy
    assert not (site / "acknowledgements").exists()
    from .conftest import pdf_text

    text = pdf_text(site / "aims-pack.pdf")
    assert [name for name in names if name in text] == []


def test_aims_acknowledge_appends_a_row_once(tree):
    root = tree(people_files(**{"content/acknowledgements/lms.csv": "person,document,version,date\n"}))
    run = CliRunner().invoke
    result = run(main, ["acknowledge", "POL-A", "--as", "grace@example.org", "--root", str(root)])
    assert result.exit_code == 0, result.output
    target = root / "content/acknowledgements/acknowledgements.csv"
    assert target.read_text(encoding="utf-8") == f"person,document,version,date\nP3,POL-A,1.0,{TODAY}\n"
    again = run(main, ["acknowledge", "POL-A", "--as", "P3", "--root", str(root)])
    assert again.exit_code == 0 and "already acknowledged" in again.output
    assert target.read_text(encoding="utf-8").count("\n") == 2
    unknown = run(main, ["acknowledge", "POL-A", "--as", "Nobody", "--root", str(root)])
    assert unknown.exit_code == 1 and "not in the people register" in unknown.output
    wrong = run(main, ["acknowledge", "A.2.2", "--as", "P3", "--root", str(root)])
    assert wrong.exit_code == 1 and "not a policy or procedure" in wrong.output


LMS = """\
EmployeeID,Course,Completed,Score
alan@example.org,POL-A,17/03/2026,90
P3,POL-A,18/03/2026,85
P9,POL-A,18/03/2026,70
P4,POL-Z,19/03/2026,88
P1,POL-A,32/03/2026,99
"""


def test_import_refuses_a_row_of_another_width_saying_how_many_values_it_has(tree):
    root = tree(people_files())
    export = root / "lms-export.csv"
    export.write_text(LMS + "P2,POL-A\n", encoding="utf-8")
    args = ["import", "acknowledgements", str(export), "--map", "person=EmployeeID,document=Course,date=Completed"]
    result = CliRunner().invoke(main, [*args, "--date-format", "%d/%m/%Y", "--root", str(root)])
    assert result.exit_code == 1
    assert f"{export}:7: this row has 2 values; the header names 4 columns" in result.output


def test_import_refuses_rows_it_cannot_place_and_writes_nothing(tree):
    root = tree(people_files(**{"content/acknowledgements/lms.csv": "person,document,version,date\n"}))
    export = root / "lms-export.csv"
    export.write_text(LMS, encoding="utf-8")
    args = ["import", "acknowledgements", str(export), "--map", "person=EmployeeID,document=Course,date=Completed"]
    args += ["--date-format", "%d/%m/%Y", "--root", str(root)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert f"{export}:4: 'P9' is not in the people register" in result.output
    assert f"{export}:5: 'POL-Z' is not a policy or procedure" in result.output
    assert f"{export}:6: '32/03/2026' is not a date in the form %d/%m/%Y" in result.output
    target = root / "content/acknowledgements/lms-export.csv"
    assert not target.exists()
    partial = CliRunner().invoke(main, [*args, "--skip-refused"])
    assert partial.exit_code == 1 and "2 acknowledgements imported, 3 refused" in partial.output
    assert target.read_text(encoding="utf-8").splitlines() == [
        "person,document,version,date",
        "P2,POL-A,1.0,2026-03-17",
        "P3,POL-A,1.0,2026-03-18",
    ]
    check = CliRunner().invoke(main, ["check", str(root), "--format", "json"])
    assert json.loads(check.output)["errors"] == 0


def test_import_names_a_column_the_export_lacks(tree):
    root = tree(people_files())
    export = root / "x.csv"
    export.write_text("A,B\n1,2\n", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["import", "acknowledgements", str(export), "--map", "person=A,document=B,date=C", "--root", str(root)]
    )
    assert result.exit_code == 2 and "has no column 'C'" in result.output


def test_the_fast_csv_path_reads_what_the_csv_module_reads(tmp_path):
    """Files without quotes are split on commas and newlines; the result is the csv module's."""
    import csv
    import random

    from aims_plugin.files.people import read_table

    rng = random.Random(5)
    cells = ["P1", "", " x ", "a b", "2026-01-05", "é", "POL-A", "\t"]
    for case in range(60):
        width = rng.randint(1, 5)
        rows = [[rng.choice(cells) for _ in range(width)] for _ in range(rng.randint(0, 8))]
        ending = rng.choice(["\n", "\r\n"])
        text = ending.join(",".join(["h"] * width if i == 0 else row) for i, row in enumerate([[], *rows]))
        text += ending if rng.random() < 0.7 else ""
        path = tmp_path / f"t{case}.csv"
        path.write_bytes(text.encode("utf-8"))
        table = read_table(path, "t.csv", "AIMS045", [])
        expected = [r for r in csv.reader(text.splitlines(keepends=True)) if any(c.strip() for c in r)][1:]
        assert table is not None and table.rows == expected, text
        assert [row for row in zip(*table.columns(), strict=True)] == [tuple(r) for r in expected]


def test_exports_and_status_carry_people_and_the_pack_has_their_sections(tree):
    from .conftest import pdf_text

    root = tree(people_files(**{"content/acknowledgements/lms.csv": ACK + f"P1,POL-A,1.0,{LONG_AGO}\n"}))
    run = CliRunner().invoke
    data = json.loads(run(main, ["export", str(root)]).output)
    p2 = next(p for p in data["people"] if p["id"] == "P2")
    assert p2["roles"] == ["R-STAFF"] and p2["defined_in"] == "content/people/people.csv:3"
    assert p2["acknowledgements"] == [{"document": "POL-A", "version": "1.0", "overdue": True}]
    table = run(main, ["export", str(root), "--format", "csv", "--table", "people"]).output.splitlines()
    assert table[0].startswith("id,name,email,team,joined,roles,to_acknowledge,acknowledged")
    assert table[1].split(",")[:8] == [
        "P1",
        "Ada Byron",
        "ada@example.org",
        "Governance",
        "",
        "R-GOV; R-OWN; R-TOP",
        "1",
        "1",
    ]
    status = run(main, ["status", str(root)]).output
    assert "acknowledged POL-A v1.0: 1 / 4 (25%), 3 overdue" in status
    assert "R-GOV governance: 2 / 2 holders trained" in status
    pack = root / "pack.pdf"
    result = run(main, ["pdf", str(root), "-o", str(pack)])
    assert result.exit_code == 0, result.output
    # Not on a terminal (as in CI): plain stage lines, no progress bar.
    assert "aims pdf: laying out the pack" in result.stderr and "\r" not in result.stderr
    text = pdf_text(pack)
    assert "Roles and competence" in text and "Competence matrix" in text and "Training records" in text
    assert "Not yet acknowledged: POL-A version 1.0" in text and "Alan Turing" in text
    assert "content/people/people.csv" in text and "content/acknowledgements/lms.csv" in text  # the manifest


def test_ci_can_require_each_acknowledgement_to_be_committed_by_its_person(tree):
    import subprocess

    root = tree(people_files(**{"content/acknowledgements/lms.csv": ACK}))
    yml = root / "mkdocs.yml"
    yml.write_text(yml.read_text(encoding="utf-8") + "      acknowledgements_by_committer: true\n", encoding="utf-8")

    def git(*args: str, email: str = "ada@example.org") -> None:
        env = {"GIT_AUTHOR_NAME": "x", "GIT_COMMITTER_NAME": "x", "GIT_AUTHOR_EMAIL": email}
        env |= {"GIT_COMMITTER_EMAIL": email, "PATH": os.environ["PATH"], "HOME": str(root)}
        subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)

    git("init", "-q")
    git("add", ".")
    git("commit", "-qm", "AIMS")
    run = CliRunner().invoke
    assert run(main, ["acknowledge", "POL-A", "--as", "P2", "--root", str(root)]).exit_code == 0
    git("add", ".")
    git("commit", "-qm", "Alan acknowledges", email="alan@example.org")
    assert run(main, ["acknowledge", "POL-A", "--as", "P3", "--root", str(root)]).exit_code == 0
    git("add", ".")
    git("commit", "-qm", "Grace's row, committed by Alan", email="alan@example.org")
    report = json.loads(run(main, ["check", str(root), "--format", "json"]).output)
    found = [f for f in report["findings"] if f["code"] == "AIMS050"]
    assert [(f["path"], f["line"]) for f in found] == [("content/acknowledgements/acknowledgements.csv", 3)]
    assert "for P3 (grace@example.org) was committed by alan@example.org" in found[0]["message"]


def test_an_owner_named_by_id_reads_as_their_name_or_in_public_as_their_role(tree):
    files = people_files()
    files["content/policies/POL-A.md"] = files["content/policies/POL-A.md"].replace("owner: Ada Byron", "owner: P4")
    files["content/policies/POL-A.md"] = files["content/policies/POL-A.md"].replace("classification", "x-class")
    files["content/policies/POL-A.md"] = files["content/policies/POL-A.md"].replace(
        "acknowledge_by: all", "acknowledge_by: all\nclassification: public"
    )
    register = load(tree(files) / "content")
    assert register.visible_to(Audience.internal).by_id["POL-A"].doc.owner == "Joan Clarke"
    # Her first role is not published: the public reads that the name is withheld, not the role.
    assert register.visible_to(Audience.public).by_id["POL-A"].doc.owner == "name withheld"
    files["content/roles/R-STAFF.md"] = role("R-STAFF", required_reading=["POL-A"], classification="public")
    register = load(tree(files) / "content")
    assert register.visible_to(Audience.public).by_id["POL-A"].doc.owner == "Role R-STAFF"


def test_one_bad_cell_leaves_out_its_row_only(tree):
    people = PEOPLE.replace("Lending,\nP3", "Lending,2026-13-01\nP3").replace("P3,Grace Hopper", " P3 ,Grace Hopper")
    root = tree(people_files(**{"content/people/people.csv": people}))
    register = load(root / "content")
    assert sorted(register.people.persons) == ["P1", "P3", "P4"]  # P2's date is impossible; P3's ID is padded
    assert register.people.persons["P4"].joined is None
    (problem,) = codes(root, "AIMS044")
    assert problem.startswith("content/people/people.csv:3:") and "column 'joined'" in problem


def test_rows_that_cannot_count_do_not_count(tree):
    later = TODAY + dt.timedelta(days=40)
    acks = ACK + f"P1,POL-A,1.0,{LONG_AGO}\nP2,POL-A,1.9,{LONG_AGO}\nP3,POL-A,1.0,{later}\n"
    root = tree(people_files(**{"content/acknowledgements/lms.csv": acks}))
    register = load(root / "content")
    (row,) = compute(register.visible_to(Audience.internal), TODAY).acknowledgements
    assert [p.id for p in row.acknowledged] == ["P1"]  # 1.9 is not issued; P3's date is still to come
    assert codes(root, "AIMS045") and codes(root, "AIMS039")


def test_a_public_build_shows_roles_but_no_competence_figures(tree):
    files = people_files()
    files["content/roles/R-GOV.md"] = role("R-GOV", competences=["governance"], classification="public")
    root = tree(files)
    site = build_site(root, audience="public", strict=False)
    page = (site / "roles-and-competence/index.html").read_text(encoding="utf-8")
    assert "R-GOV" in page and "Competence matrix" not in page and "Ada Byron" not in page


def test_acknowledge_appends_in_the_files_own_column_order(tree):
    root = tree(people_files(**{"content/acknowledgements/acknowledgements.csv": "date,person,version,document\n"}))
    result = CliRunner().invoke(
        main, ["acknowledge", "POL-A", "--as", "P2", "--root", str(root), "--today", "2026-01-05"]
    )
    assert result.exit_code == 0 or "already acknowledged" in result.output, result.output
    root = tree(people_files(**{"content/acknowledgements/lms.csv": ACK}))
    result = CliRunner().invoke(
        main, ["acknowledge", "POL-A", "--as", "P2", "--root", str(root), "--today", "2026-01-05"]
    )
    assert result.exit_code == 0, result.output
    text = (root / "content/acknowledgements/acknowledgements.csv").read_text(encoding="utf-8")
    assert text.splitlines()[-1] == "2026-01-05,P2,1.0,POL-A"


def test_a_review_keeps_its_attendees_on_its_page(tree):
    files = people_files()
    files["content/reviews/MR-1.md"] = front(id="MR-1", title="Review", attendees=["Ada Byron", "Alan Turing"])
    site = build_site(tree(files), audience="internal", strict=False)
    page = next(site.glob("reviews/MR-1/index.html")).read_text(encoding="utf-8")
    assert "Attendees" in page and "Alan Turing" in page
