"""What a people register and acknowledgements add to `aims check`: 10,000 people, 50,000 rows.

    python -m benchmarks.people_bench [--people 10000] [--acks 50000] [--repeat 7]

Two trees, written once: the example's content folder as it is, and the same
folder with its people register and acknowledgements replaced by `--people`
people (in eight roles) and `--acks` acknowledgement rows of the example's
policies, in an HR-sized CSV file each. The baseline a user would compare with
is reading the same CSV files (people, acknowledgements, and the attendance
list of a staff training record) with Python's `csv` module into lists of rows,
measured in the same run.

The figure is (check of the second tree - check of the first) / baseline: what
reading, validating and checking people and acknowledgements costs, in units of
merely reading their files (project target: at most 1.5). The check is what
`aims check` runs (load, then every rule), in this process, median of `--repeat`
alternating runs: the difference is tens of milliseconds, below the noise of
starting a process.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from .timing import timed

REPO = Path(__file__).resolve().parent.parent
TARGET = 1.5
TODAY = dt.date(2026, 12, 1)


def write_tree(root: Path, people: int, acks: int) -> list[Path]:
    """The example with a large people register; returns its CSV files."""
    shutil.copytree(REPO / "content", root / "content")
    content = root / "content"
    for folder in ("people", "acknowledgements"):
        shutil.rmtree(content / folder)
        (content / folder).mkdir()
    rng = random.Random(7)
    roles = [f"ROLE-0{n}" for n in range(1, 9)]
    names = ["Ada", "Alan", "Grace", "Joan", "Katherine", "Tim", "Barbara", "Edsger", "Radia", "Ken"]
    people_file = content / "people/people.csv"
    with open(people_file, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["id", "name", "email", "roles", "team", "joined"])
        # The example's own names first, so that its owners and approvers are still in the register.
        with open(REPO / "content/people/people.csv", encoding="utf-8") as source:
            original = list(csv.reader(source))[1:]
        for row in original:
            writer.writerow(row)
        for n in range(len(original), people):
            first = names[n % len(names)]
            joined = "2026-11-20" if n % 97 == 0 else ""
            role = roles[7] if n % 10 else rng.choice(roles[2:7])
            writer.writerow([f"E{n:06d}", f"{first} Person{n}", f"e{n}@example.org", role, f"Team {n % 40}", joined])
    documents = [("POL-001", ("1.0", "2.0")), ("POL-002", ("1.0",)), ("POL-003", ("1.0",))]
    ack_file = content / "acknowledgements/lms.csv"
    with open(ack_file, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["person", "document", "version", "date"])
        for _ in range(acks):
            document, versions = rng.choice(documents)
            person = f"E{rng.randrange(len(original), people):06d}"
            day = dt.date(2026, 3, 16) + dt.timedelta(days=rng.randrange(250))
            writer.writerow([person, document, rng.choice(versions), day.isoformat()])
    # Staff awareness training, with its attendance list (19 in 20 people) as the LMS exports it.
    attendance = content / "training/TRN-ALL.csv"
    with open(attendance, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["person", "date", "result"])
        for n in range(len(original), people):
            if n % 20:
                writer.writerow([f"E{n:06d}", "2026-04-01", "passed"])
    (content / "training/TRN-ALL.md").write_text(
        "---\nid: TRN-ALL\ntitle: AI awareness 2026\ndate: 2026-04-01\ncompetences: [AI awareness]\n"
        "valid_for: 12 months\nattendees_file: TRN-ALL.csv\nstatus: approved\napproved_by: Priya Raman\n"
        "approved_on: 2026-04-02\n---\n\nAnnual module.\n",
        encoding="utf-8",
    )
    return [people_file, ack_file, attendance]


def read_csv(files: list[Path]) -> list[list[list[str]]]:
    tables = []
    for path in files:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            tables.append(list(csv.reader(handle)))
    return tables


def read_tables(files: list[Path]) -> list[object]:
    """The files as `aims check` reads them into columns, before any value is validated or checked."""
    from aims_plugin.files.tables import body, read_table
    from aims_plugin.register import collector

    with collector.paused():  # as `aims check` reads them
        tables = [read_table(path, path.name, "AIMS044", []) for path in files]
        return [body(table, "AIMS044", []) for table in tables if table is not None]


def check(content: Path) -> tuple[object, list[object]]:
    """What `aims check` does: load, then every rule, with the collector paused over both."""
    from aims_plugin.checks import run_checks
    from aims_plugin.files.load import load
    from aims_plugin.register import collector

    with collector.paused():
        register = load(content, history=False)
        return register, run_checks(register, TODAY)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--acks", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="aims-people-") as tmp:
        plain = Path(tmp, "plain")
        shutil.copytree(REPO / "content", plain / "content")
        big = Path(tmp, "big")
        files = write_tree(big, args.people, args.acks)
        check(plain / "content")  # imports and caches warm, as in a long-running process
        base, reader, without, with_people = [], [], [], []
        for _ in range(args.repeat):
            base.append(timed(lambda: read_csv(files)))
            reader.append(timed(lambda: read_tables(files)))
            without.append(timed(lambda: check(plain / "content")))
            with_people.append(timed(lambda: check(big / "content")))
        csv_time = statistics.median(base)
        added = statistics.median(with_people) - statistics.median(without)
        ratio = added / csv_time
        print(f"people, acknowledgement rows      {args.people:,}, {args.acks:,}")
        print(f"csv module, read the CSV files    {csv_time * 1000:8.1f} ms  (baseline)")
        read = statistics.median(reader)
        print(f"  aims reader alone, same files   {read * 1000:8.1f} ms  = {read / csv_time:.2f} x (text to columns)")
        print(f"aims check, example               {statistics.median(without) * 1000:8.1f} ms")
        print(f"aims check, example + people      {statistics.median(with_people) * 1000:8.1f} ms")
        verdict = f"{ratio:.2f} x the csv read (target <= {TARGET})"
        print(f"added by people/acknowledgements  {added * 1000:8.1f} ms  = {verdict}")
        return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
