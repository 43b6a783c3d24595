"""Measured evidence: results files from an ML pipeline, checked against their expectations."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from click.testing import CliRunner

from aims_plugin.checks import run_checks
from aims_plugin.files.load import load
from aims_plugin.hosts.cli import main
from aims_plugin.model import Audience
from aims_plugin.reports.bundle import compute

from .conftest import APPROVED, build_site, complete_files, front

TODAY = dt.date(2026, 11, 24)
#: Where findings point: the record, and the results files beside it.
E, F = "content/evidence/EV-1.md:", "content/evidence/files/"
RESULTS = {
    "measured_on": "2026-10-01",
    "accuracy": {"auc": 0.81},
    "fairness": {"approval_rate_ratio": {"18-24": 0.76, "25-39": 1.0, "40-64": 0.93}},
}


def measured_files(results: str | bytes, *, name: str = "results.json", **record) -> dict[str, str | bytes]:
    """The complete tree, with EV-1 replaced by measured evidence for A.2.2 (its only evidence)."""
    files = complete_files()
    data = results.encode() if isinstance(results, str) else results
    record.setdefault("expectations", [{"metric": "accuracy.auc", "op": ">=", "threshold": 0.75}])
    files["content/evidence/EV-1.md"] = front(
        id="EV-1",
        title="Validation results",
        file=f"files/{name}",
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        controls=["A.2.2"],
        owner="Owner",
        collected_on="2026-10-02",
        **{**APPROVED, **record},
    )
    files[f"content/evidence/files/{name}"] = data
    del files["content/evidence/files/ev1.txt"]
    return files


def findings(root):
    return run_checks(load(root / "content", display_root=root), TODAY)


def measured(root) -> list[str]:
    return [
        f"{f.path}:{f.line}: {f.code} {f.severity.value}: {f.message}" for f in findings(root) if f.code >= "AIMS041"
    ]


def soa_row(root, control: str = "A.2.2"):
    rows = compute(load(root / "content", display_root=root).visible_to(Audience.auditor), TODAY).soa
    return next(row for row in rows if row.control == control)


@pytest.mark.parametrize(
    ("op", "threshold", "passes"),
    [
        (">=", 0.81, True),
        (">=", 0.82, False),
        (">", 0.81, False),
        (">", 0.80, True),
        ("<=", 0.81, True),
        ("<=", 0.80, False),
        ("<", 0.81, False),
        ("<", 0.9, True),
        ("==", 0.81, True),
        ("==", 0.8, False),
        ("between", [0.8, 0.81], True),
        ("between", [0.6, 0.8], False),
    ],
)
def test_each_comparison(tree, op, threshold, passes):
    root = tree(
        measured_files(json.dumps(RESULTS), expectations=[{"metric": "accuracy.auc", "op": op, "threshold": threshold}])
    )
    found = measured(root)
    if passes:
        assert found == []
    else:
        assert len(found) == 1 and "AIMS041 warning: accuracy.auc measured 0.81, expected" in found[0], found
        assert found[0].startswith("content/evidence/EV-1.md:")


def test_per_group_thresholds_in_json_and_csv(tree):
    expectation = {
        "metric": "fairness.approval_rate_ratio",
        "title": "Approval-rate ratio",
        "op": ">=",
        "threshold": 0.8,
        "groups": {"40-64": 0.95},
    }
    found = measured(tree(measured_files(json.dumps(RESULTS), expectations=[expectation])))
    assert [f.split(": ", 1)[1] for f in found] == [
        "AIMS041 warning: Approval-rate ratio for group '18-24' measured 0.76, expected >= 0.8",
        "AIMS041 warning: Approval-rate ratio for group '40-64' measured 0.93, expected >= 0.95",
    ]
    csv = (
        "model,band,ratio,measured_on\r\n"
        "v3,18-24,0.70,2026-07-01\r\nv4,18-24,0.84,2026-10-01\r\nv4,25-39,0.99,2026-10-01\r\n"
    )
    by_column = {"metric": "ratio", "op": ">=", "threshold": 0.8, "group_by": "band", "where": {"model": "v4"}}
    assert measured(tree(measured_files("\ufeff" + csv, name="fairness.csv", expectations=[by_column]))) == []
    by_column["groups"] = {"65+": 0.8}
    found = measured(tree(measured_files(csv, name="fairness.csv", expectations=[by_column])))
    assert (
        len(found) == 1
        and "AIMS042 error: expectations[0] (ratio): content/evidence/files/fairness.csv has no group '65+'" in found[0]
    )


@pytest.mark.parametrize(
    ("results", "name", "expectation", "expected"),
    [
        (
            json.dumps(RESULTS),
            "r.json",
            {"metric": "accuracy.f1", "op": ">=", "threshold": 0.7},
            E + "16: AIMS042 error: expectations[0] (accuracy.f1): content/evidence/files/r.json has no 'accuracy.f1'",
        ),
        (
            '{\n  "accuracy": {\n    "auc": 0.8,\n  }\n}\n',
            "r.json",
            None,
            F + "r.json:4: AIMS042 error: results file is not valid JSON: Expecting property name",
        ),
        (
            '{"accuracy": {"auc": "high"}}',
            "r.json",
            None,
            F + "r.json:1: AIMS042 error: expectations[0] (accuracy.auc): value is not a number: 'high'",
        ),
        (
            '{"accuracy": {"auc": NaN}}',
            "r.json",
            None,
            F + "r.json:1: AIMS042 error: results file is not valid JSON: NaN is not a number JSON allows",
        ),
        (
            "auc,n\n0.8,100\n0.9\n",
            "r.csv",
            {"metric": "auc", "op": ">=", "threshold": 0.7},
            F + "r.csv:3: AIMS042 error: row has 1 columns; the header has 2",
        ),
        (
            "auc,n\n0.8,100\n0.9,100\n",
            "r.csv",
            {"metric": "auc", "op": ">=", "threshold": 0.7},
            E + "16: AIMS042 error: expectations[0] (auc): 2 rows of " + F + "r.csv match",
        ),
        (
            "auc\n0.8\n",
            "r.csv",
            {"metric": "accuracy", "op": ">=", "threshold": 0.7},
            E + "16: AIMS042 error: expectations[0] (accuracy): content/evidence/files/r.csv has no column 'accuracy'",
        ),
        (
            b"\xff\xfe{}",
            "r.json",
            None,
            F + "r.json:1: AIMS042 error: results file is not UTF-8 text",
        ),
        (
            "",
            "r.csv",
            {"metric": "auc", "op": ">=", "threshold": 0.7},
            F + "r.csv:1: AIMS042 error: results file is empty",
        ),
    ],
)
def test_unreadable_results_and_missing_metrics_are_located_errors(tree, results, name, expectation, expected):
    extra = {"expectations": [expectation]} if expectation else {}
    found = measured(tree(measured_files(results, name=name, **extra)))
    assert len(found) == 1 and found[0].startswith(expected), found
    # Results that cannot be measured never count: the control is not evidenced.
    assert not soa_row(tree()).evidenced


def test_bad_expectations_are_located_errors(tree):
    bad = [
        {"metric": "accuracy.auc", "op": "~", "threshold": 1},
        {"metric": "a", "op": "between", "threshold": 1},
        {"metric": "a", "op": ">="},
        "accuracy above 0.8",
    ]
    files = measured_files(json.dumps(RESULTS), expectations=bad)
    result = CliRunner().invoke(main, ["check", str(tree(files))])
    assert result.exit_code == 1
    expected = ("EV-1.md:16: AIMS006 error: expectations[0].op", "must be [low, high] for 'between'")
    for text in (*expected, "needs a threshold", "not a sentence"):
        assert text in result.output, result.output
    assert "Traceback" not in result.output


def test_a_stale_measurement_is_a_warning_and_no_longer_current(tree):
    files = measured_files(json.dumps(RESULTS), every="1 month")  # measured 2026-10-01 (the file says)
    root = tree(files)
    found = measured(root)
    assert (
        len(found) == 1
        and "AIMS043 warning: measured on 2026-10-01, to be measured every 1 month: stale since 2026-11-01" in found[0]
    )
    assert not soa_row(root).evidenced
    # The record's own measured_on wins over the file's.
    root = tree(measured_files(json.dumps(RESULTS), every="1 month", measured_on="2026-11-20"))
    assert measured(root) == [] and soa_row(root).evidenced


def test_a_failing_blocking_expectation_fails_the_check(tree):
    failing = [{"metric": "accuracy.auc", "op": ">=", "threshold": 0.9}]
    root = tree(measured_files(json.dumps(RESULTS), expectations=failing))
    runner = CliRunner()
    warned = runner.invoke(main, ["check", str(root)])
    assert warned.exit_code == 0 and "AIMS041" in warned.output
    # Work not done yet: `--strict` passes it unless strict_checks asks for every gap.
    assert runner.invoke(main, ["check", "--strict", str(root)]).exit_code == 0
    root = tree(measured_files(json.dumps(RESULTS), expectations=failing, blocking=True))
    blocked = runner.invoke(main, ["check", str(root)])
    assert blocked.exit_code == 1
    assert "error AIMS041" in blocked.output or ("AIMS041" in blocked.output and "(blocking)" in blocked.output)


def test_the_controls_evidenced_state_follows_the_result(tree):
    passing = tree(measured_files(json.dumps(RESULTS)))
    assert soa_row(passing).evidenced
    results = dict(RESULTS, accuracy={"auc": 0.7})
    root = tree(measured_files(json.dumps(results)))
    row = soa_row(root)
    assert row.implemented and not row.evidenced and [e.id for e in row.failing_evidence] == ["EV-1"]
    ready = compute(load(root / "content", display_root=root).visible_to(Audience.auditor), TODAY).readiness
    assert [(i.ref, i.detail) for i in ready.open.of("evidence-failing")] == [
        ("EV-1", "accuracy.auc 0.7, expected >= 0.75")
    ]
    assert ("A.2.2", "evidence failing: EV-1") in [(i.ref, i.detail) for i in ready.open.of("not-evidenced")]
    site = build_site(root)
    soa = (site / "statement-of-applicability/index.html").read_text(encoding="utf-8")
    row = soa.split('id="A.2.2"', 1)[1].split("</tr>", 1)[0]
    assert "evidence failing:" in row and "accuracy.auc 0.7, expected &gt;= 0.75" in row
    assert "passing evidence" in (site / "coverage/index.html").read_text(encoding="utf-8")


def test_history_gives_a_trend_in_the_site_and_the_pack(tree, tmp_path, monkeypatch):
    from .conftest import pdf_text
    from .test_pdf import git, run_pdf

    quarters = [("2026-01-05", 0.84), ("2026-04-03", 0.77), ("2026-07-02", 0.86)]
    expectation = {"metric": "fairness.ratio", "title": "Approval-rate ratio", "op": ">=", "threshold": 0.8}

    def results(day: str, ratio: float) -> str:
        return json.dumps({"measured_on": day, "fairness": {"ratio": ratio}})

    files = measured_files(results(*quarters[0]), expectations=[expectation], every="3 months")
    root = tree(files)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Q4 results", date="2026-01-06T10:00:00+00:00")
    for day, ratio in quarters[1:]:
        data = results(day, ratio).encode()
        (root / "content/evidence/files/results.json").write_bytes(data)
        record = root / "content/evidence/EV-1.md"
        text = record.read_text(encoding="utf-8").splitlines(keepends=True)
        text = [
            f"sha256: {hashlib.sha256(data).hexdigest()}\n"
            if line.startswith("sha256:")
            else f"size: {len(data)}\n"
            if line.startswith("size:")
            else line
            for line in text
        ]
        record.write_text("".join(text), encoding="utf-8")
        git(root, "commit", "-q", "-am", f"Results of {day}", date=f"{day}T10:00:00+00:00")
    # Not yet committed: this quarter's results, in the working tree.
    loaded = load(root / "content", display_root=root)
    series = loaded.by_id["EV-1"].series[(0, None)]
    assert [(str(day), value) for day, value in series] == [(d, v) for d, v in quarters]

    site = build_site(root)
    page = next(
        p
        for p in site.rglob("*.html")
        if "EV-1" in p.read_text(encoding="utf-8") and "aims-trend" in p.read_text(encoding="utf-8")
    )
    html = page.read_text(encoding="utf-8")
    assert html.count('class="aims-trend"') == 1 and "Approval-rate ratio: the last 3 measurements" in html
    assert "2026-04-03: 0.77 (fails the threshold)" in html and "0.86" in html

    text = pdf_text(run_pdf(root, tmp_path / "pack.pdf", monkeypatch=monkeypatch))
    assert "Measured results" in text and "Approval-rate ratio: the last 3 measurements" in text
    assert "0.77 fails" in text


def test_ingest_puts_new_results_in_place_and_fails_on_a_blocking_expectation(tree, tmp_path):
    files = measured_files(json.dumps(RESULTS), blocking=True, every="3 months")
    files["content/evidence/EV-1.md"] = files["content/evidence/EV-1.md"].replace("---\n", "---\n# kept comment\n", 1)
    root = tree(files)
    runner = CliRunner()
    new = tmp_path / "run.json"
    new.write_text(json.dumps({"measured_on": "2026-11-20", "accuracy": {"auc": 0.78}}), encoding="utf-8")
    done = runner.invoke(
        main, ["evidence", "ingest", str(new), "--record", "EV-1", "--root", str(root), "--today", "2026-11-24"]
    )
    assert done.exit_code == 0, done.output
    assert "1 of 1 results meet their thresholds" in done.output
    record = (root / "content/evidence/EV-1.md").read_text(encoding="utf-8")
    assert "# kept comment" in record and "measured_on: 2026-11-20" in record and "collected_on: 2026-11-24" in record
    assert f"sha256: {hashlib.sha256(new.read_bytes()).hexdigest()}" in record
    assert (root / "content/evidence/files/results.json").read_bytes() == new.read_bytes()
    assert measured(root) == []  # hash, size and date agree: no AIMS037, nothing stale

    new.write_text(json.dumps({"measured_on": "2026-11-23", "accuracy": {"auc": 0.70}}), encoding="utf-8")
    failed = runner.invoke(
        main, ["evidence", "ingest", str(new), "--record", "EV-1", "--root", str(root), "--today", "2026-11-24"]
    )
    assert failed.exit_code == 1 and "fails: accuracy.auc 0.7, expected >= 0.75" in failed.output
    assert runner.invoke(main, ["check", str(root)]).exit_code == 1  # blocking: an error on every build

    before = (root / "content/evidence/EV-1.md").read_bytes()
    new.write_text('{"accuracy": {}}', encoding="utf-8")
    refused = runner.invoke(main, ["evidence", "ingest", str(new), "--record", "EV-1", "--root", str(root)])
    assert (
        refused.exit_code == 1 and "nothing was written" in refused.output and "has no 'accuracy.auc'" in refused.output
    )
    assert (root / "content/evidence/EV-1.md").read_bytes() == before
    unknown = runner.invoke(main, ["evidence", "ingest", str(new), "--record", "EV-2", "--root", str(root)])
    assert unknown.exit_code == 1 and "did you mean 'EV-1'" in unknown.output


def test_hostile_results_files_are_located_errors_never_tracebacks(tree):
    deep = "[" * 100_000 + "]" * 100_000
    found = measured(tree(measured_files(deep)))
    assert found == [F + "results.json:1: AIMS042 error: results file is nested too deeply to read"], found
    twice = measured(
        tree(
            measured_files(
                "auc,auc\n0.8,0.9\n", name="r.csv", expectations=[{"metric": "auc", "op": ">=", "threshold": 0.85}]
            )
        )
    )
    assert any("column 'auc' appears twice in the header" in f for f in twice), twice


def test_two_expectations_on_one_metric_keep_their_own_rows_dates_and_series(tree):
    csv = "model,auc,measured_on\nv3,0.60,2025-01-01\nv4,0.90,2026-11-20\n"
    expectations = [
        {"metric": "auc", "title": "AUC v3", "op": ">=", "threshold": 0.5, "where": {"model": "v3"}},
        {"metric": "auc", "title": "AUC v4", "op": ">=", "threshold": 0.5, "where": {"model": "v4"}},
    ]
    root = tree(measured_files(csv, name="r.csv", expectations=expectations))
    record = load(root / "content", display_root=root).by_id["EV-1"]
    assert record.series == {(0, None): [(dt.date(2026, 11, 20), 0.6)], (1, None): [(dt.date(2026, 11, 20), 0.9)]}
    # Only the rows an expectation reads date the measurement.
    stale = tree(measured_files(csv, name="r.csv", expectations=expectations[:1], every="1 month"))
    assert any("measured on 2025-01-01" in f for f in measured(stale))


def test_a_measurement_dated_in_the_future_does_not_count(tree):
    root = tree(measured_files(json.dumps(RESULTS), measured_on="2099-01-01"))
    assert not soa_row(root).evidenced


def test_ingest_keeps_crlf_and_refuses_a_folder(tree, tmp_path):
    files = measured_files(json.dumps(RESULTS))
    files["content/evidence/EV-1.md"] = files["content/evidence/EV-1.md"].replace("\n", "\r\n")
    root = tree(files)
    new = tmp_path / "run.json"
    new.write_text(json.dumps({"measured_on": "2026-11-20", "accuracy": {"auc": 0.8}}), encoding="utf-8")
    args = ["evidence", "ingest", str(new), "--record", "EV-1", "--root", str(root), "--today", "2026-11-24"]
    assert CliRunner().invoke(main, args).exit_code == 0
    raw = (root / "content/evidence/EV-1.md").read_bytes()
    assert b"measured_on: 2026-11-20\r\n" in raw and raw.count(b"\r\n") == raw.count(b"\n")
    (root / "content/evidence/files/results.json").unlink()
    (root / "content/evidence/files/results.json").mkdir()
    refused = CliRunner().invoke(main, args)
    assert refused.exit_code == 1 and "is not a file; nothing was written" in refused.output
