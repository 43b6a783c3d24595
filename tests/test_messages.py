"""Messages people act on: the line where a fault starts, no knock-on errors, hints that fix it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from aims_plugin.checks import run_checks
from aims_plugin.files.load import load

from .conftest import APPROVED, complete_files, front

TODAY = dt.date(2026, 11, 24)


def findings(root: Path) -> list[str]:
    return [f.format() for f in run_checks(load(root / "content", display_root=root), TODAY)]


def test_an_unclosed_quote_is_reported_where_it_opens_with_no_knock_on_errors(tree):
    files = complete_files()
    files["content/policies/POL-001.md"] = '---\nid: POL-001\ntitle: "AI policy\nowner: O\nstatus: draft\n---\nBody\n'
    files["content/policies/POL-002.md"] = front(
        id="POL-002", title="Other", owner="O", satisfies=["5.2"], **APPROVED, body="See [[POL-001]].\n"
    )
    files["content/controls/A.2.2.md"] = files["content/controls/A.2.2.md"].replace(
        "policies: []", "policies: [POL-001]"
    )
    found = findings(tree(files))
    (problem,) = [f for f in found if "POL-001" in f]
    assert problem.startswith(
        "content/policies/POL-001.md:3: AIMS003 error: front matter is not valid YAML: the quoted value that starts "
        "on this line is never closed"
    )


def test_an_unclosed_list_is_reported_where_it_opens(tree):
    files = complete_files()
    files["content/policies/P.md"] = "---\nid: P\ntitle: T\nsatisfies: [5.2, A.2.2\nowner: O\n---\n"
    (problem,) = [f for f in findings(tree(files)) if "P.md" in f]
    assert problem.startswith("content/policies/P.md:4: AIMS003") and "list in [ ]" in problem


def test_a_value_left_unfinished_at_the_end_of_the_front_matter_is_reported_where_it_starts(tree):
    files = complete_files()
    files["content/policies/P.md"] = "---\nid: P\ntitle: T\nsatisfies: [\n\n---\nBody\n"
    files["content/policies/Q.md"] = "---\nid: [\n---\n"
    # Open after a comma, over several lines: where it opens, not its last line.
    files["content/policies/R.md"] = "---\nid: R\ntitle: T\nsatisfies: [5.2,\n  A.2.2,\n---\n"
    files["content/policies/S.md"] = "---\nid: S\ntitle: T\nowner\n  O\n---\n"
    found = findings(tree(files))
    (p,) = [f for f in found if "P.md" in f]
    (q,) = [f for f in found if "Q.md" in f]
    (r,) = [f for f in found if "R.md" in f]
    (s,) = [f for f in found if "S.md" in f]
    assert p.startswith("content/policies/P.md:4: AIMS003") and "list in [ ]" in p
    assert q.startswith("content/policies/Q.md:2: AIMS003") and "list in [ ]" in q
    assert r.startswith("content/policies/R.md:4: AIMS003") and "list in [ ]" in r
    assert s.startswith("content/policies/S.md:4: AIMS003") and "this line has no ':' after its key" in s


def test_dates_and_flags_say_how_to_write_them(tree):
    files = complete_files()
    files["content/policies/P.md"] = "---\nid: P\ntitle: T\neffective: 01/12/2026\n---\n"
    files["content/controls/A.6.2.4.md"] = "---\ncontrol: A.6.2.4\napplicable: N/A\n---\nText.\n"
    found = findings(tree(files))
    assert "content/policies/P.md:4: AIMS006 error: effective: not a date: use YYYY-MM-DD (got '01/12/2026')" in found
    assert "content/controls/A.6.2.4.md:3: AIMS006 error: applicable: use true or false (got 'N/A')" in found
    # Its write-up has an error of its own: the control is not also reported as having none.
    assert not [f for f in found if "AIMS018" in f and "A.6.2.4" in f]


def test_unknown_ids_and_file_names_get_the_nearest_existing_one(tree):
    files = complete_files()
    files["content/policies/P.md"] = front(id="P", title="T", owner="O", satisfies=["A7.2", "5.2"], **APPROVED)
    files["content/risks/R.md"] = front(id="R", title="Risk", likelihood=1, impact=1, system="SYS-01")
    files["content/systems/SYS-001.md"] = front(id="SYS-001", title="Scorer")
    files["content/evidence/files/report-2026.pdf"] = "pdf"
    files["content/evidence/E.md"] = front(id="E", title="E", file="files/reprot-2026.pdf", collected_on="2026-01-05")
    found = findings(tree(files))
    assert any(
        "satisfies: 'A7.2' is not a clause or control of ISO/IEC 42001:2023; did you mean 'A.7.2'?" in f for f in found
    )
    assert any("system: no system has the ID 'SYS-01'; did you mean 'SYS-001'?" in f for f in found)
    assert any("'files/reprot-2026.pdf' does not exist; did you mean 'files/report-2026.pdf'?" in f for f in found)
