"""The `aims` command: a thin shell over load -> checks -> reports."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import click

from ..catalog import DEFAULT_FRAMEWORK, available_frameworks
from ..files.history import SnapshotError
from ..model import KIND_TITLES, Audience, Implementation, front_matter_schema
from ..register import collector
from ..register.findings import GAP_CODES, ExitCode, Severity, plural
from ..reports.frameworks import STATES
from .build import Build
from .project import Project, ProjectError, find_root, read_project

ROOT = click.argument("root", default=".", type=click.Path(file_okay=False, path_type=Path))
TODAY = click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Judge due dates as of this day (YYYY-MM-DD) instead of the real date.",
)


def _today(value: dt.datetime | None) -> dt.date:
    return value.date() if value else dt.date.today()


def _project(root: Path) -> Project:
    try:
        return read_project(find_root(root))
    except ProjectError as exc:
        raise click.UsageError(str(exc)) from None


def _build(root: Path, today: dt.date, frameworks: list[str] | None = None) -> Build:
    project = _project(root)
    return Build(project.root, project.settings, today, display_root=_display_root(project.root), frameworks=frameworks)


def _display_root(root: Path) -> Path:
    # Show paths as the user can open them from where they stand.
    cwd = Path.cwd()
    resolved = root.resolve()
    return cwd if resolved == cwd or cwd in resolved.parents else root


#: Set by a command whose report is complete and written: the process may end without freeing what
#: it read (on 10,000 records, freeing the register object by object is a tenth of `aims check`).
_EXIT_UNFREED: set[int] = set()


def run() -> None:
    """The `aims` console script: `main`, ending the process at once after a check."""
    try:
        main()
    except SystemExit as exc:
        if exc.code not in _EXIT_UNFREED:
            raise
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):  # a reader gone (`| head`), a stream closed
                stream.flush()
        os._exit(exc.code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="aims-as-code", prog_name="aims")
def main() -> None:
    """Run an ISO/IEC 42001 AI management system from a git repository."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--strict",
    is_flag=True,
    help="Count warnings as failures too (work not done yet only with the strict_checks setting, as mkdocs does).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github", "sarif", "gitlab"]),
    default="text",
    show_default=True,
    help="github: workflow commands; sarif: SARIF 2.1.0 for code scanning; gitlab: a code quality report.",
)
@click.option(
    "--watch",
    is_flag=True,
    help="Check again whenever a file of the AIMS changes (for an editor's problems panel); Ctrl-C stops.",
)
@click.option("--interval", type=click.FloatRange(0.05, 60), default=1.0, show_default=True, hidden=True)
@TODAY
def check(
    paths: tuple[Path, ...], strict: bool, fmt: str, watch: bool, interval: float, today: dt.datetime | None
) -> None:
    """Check the AIMS, or only PATHS (files or folders of it) in the context of the whole AIMS.

    The AIMS is the one holding the first PATH (or the current folder): its root is found by
    walking up to the folder with mkdocs.yml, as git finds a repository. Prints every finding as
    `path:line: CODE severity: message`; exits 1 when there are errors, or with --strict
    warnings of broken content (the same rule as `mkdocs build --strict`: work not done yet
    fails only when the `strict_checks` setting asks for it).
    """
    if watch:
        _watch(paths, strict, fmt, interval, today)
        return
    kept: list[Build] = []  # alive until the process ends (see `run`)
    code = _check_once(paths, strict, fmt, today, keep=kept)
    _EXIT_UNFREED.add(code)
    sys.exit(code)


def _watch(paths: tuple[Path, ...], strict: bool, fmt: str, interval: float, today: dt.datetime | None) -> None:
    """Check, then check again after each change to the project's files (polled: no extra dependency)."""
    import time

    start = paths[0] if paths else Path(".")
    project = _project(start if start.is_dir() else start.parent)

    def state() -> dict[str, tuple[int, int]]:
        found = {}
        for folder in (project.content_dir, project.catalog_dir):
            for path in folder.rglob("*") if folder.is_dir() else ():
                try:
                    info = path.stat()
                except OSError:
                    continue  # an editor's temporary file, gone already
                if not path.is_dir():
                    found[str(path)] = (info.st_mtime_ns, info.st_size)
        config = project.root / "mkdocs.yml"
        if config.is_file():
            found[str(config)] = (config.stat().st_mtime_ns, config.stat().st_size)
        return found

    try:
        while True:
            seen = state()
            # The markers go where a text report goes; with a machine format, to standard error.
            marker = fmt != "text"
            click.echo("aims check: checking", err=marker)
            try:
                _check_once(paths, strict, fmt, today)
            except click.UsageError as exc:
                click.echo(f"aims check: {exc.message}", err=marker)
            click.echo(f"aims check: watching {project.content_dir} for changes (Ctrl-C stops)", err=marker)
            while state() == seen:
                time.sleep(interval)
    except KeyboardInterrupt:
        return


def _check_once(
    paths: tuple[Path, ...], strict: bool, fmt: str, today: dt.datetime | None, keep: list[Build] | None = None
) -> int:
    """One check: prints its report and returns the exit code (the build goes into `keep`, if given)."""
    from importlib import metadata

    from ..outputs import findings as formats

    start = paths[0] if paths else Path(".")
    build = _build(start if start.is_dir() else start.parent, _today(today))
    if keep is not None:
        keep.append(build)
    with collector.paused():  # reading and checking as one pause, as a site build does
        register, findings = build.register, build.findings
    chosen = [p.resolve() for p in paths if p.resolve() != build.root.resolve()]
    if chosen:
        shown_root = _display_root(build.root)
        for path in chosen:
            if not path.is_relative_to(build.root.resolve()):
                raise click.UsageError(f"{path} is not part of the AIMS at {build.root}")

        def inside(finding_path: str) -> bool:
            where = (shown_root / finding_path).resolve()
            return any(where == p or p in where.parents for p in chosen)

        findings = [f for f in findings if inside(f.path)]
    if register.history.notice and fmt == "text":
        click.echo(f"note: {register.history.notice}", err=True)
    errors = sum(f.severity == Severity.error for f in findings)
    warnings = len(findings) - errors
    gaps = sum(f.severity == Severity.warning and f.code in GAP_CODES for f in findings)
    counted = warnings if build.settings.strict_checks else warnings - gaps
    failed = errors > 0 or (strict and counted > 0)
    if fmt == "json":
        report = {
            "records": len(register.records),
            "errors": errors,
            "warnings": warnings,
            "work_not_done": gaps,
            "ok": not failed,
            "findings": [f.as_dict() for f in findings],
        }
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
    elif fmt == "github":
        click.echo(formats.github(findings), nl=False)
        click.echo(_summary(len(register.records), errors, warnings, gaps), err=True)
    elif fmt == "sarif":
        try:
            version = metadata.version("aims-as-code")
        except metadata.PackageNotFoundError:
            version = "0"
        click.echo(formats.sarif(findings, version), nl=False)
    elif fmt == "gitlab":
        click.echo(formats.gitlab(findings), nl=False)
    else:
        for finding in findings:
            click.echo(finding.format())
        scope = f" ({plural(len(chosen), 'path')} of it)" if chosen else ""
        click.echo(_summary(len(register.records), errors, warnings, gaps) + scope)
    return ExitCode.findings if failed else ExitCode.ok


def _summary(records: int, errors: int, warnings: int, gaps: int = 0) -> str:
    line = f"{plural(records, 'record')} checked: {plural(errors, 'error')}, {plural(warnings, 'warning')}"
    return line + (f" ({gaps} of them work not done yet)" if gaps else "")


@main.command()
@click.option("--format", "fmt", type=click.Choice(["json", "markdown"]), default="json", show_default=True)
@click.option("--kind", default=None, help="One kind's schema (risk, policy, control, ...).")
@click.option(
    "--write",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Write one schema per kind (<kind>.schema.json) into this folder.",
)
def schema(fmt: str, kind: str | None, folder: Path | None) -> None:
    """Print the JSON Schema of the front matter (for editors), or the content reference in Markdown.

    Per kind (--kind, or --write for all), a schema has that kind's fields and no other, with
    `id` required only where it is not derived; the whole schema tells the kinds apart by `kind`.
    """
    from ..model import SPECS, kind_schema
    from ..outputs.writefile import write_atomically

    if fmt == "markdown":
        from ..outputs.docgen import content_reference

        click.echo(content_reference(), nl=False)
        return
    if folder is not None:
        for spec in SPECS:
            text = json.dumps(kind_schema(spec.name), indent=2, sort_keys=True) + "\n"
            write_atomically(folder / f"{spec.name}.schema.json", text.encode("utf-8"))
        click.echo(f"{folder}: {len(SPECS)} schemas, one per kind (<kind>.schema.json)")
        return
    if kind is not None:
        if kind not in {spec.name for spec in SPECS}:
            raise click.UsageError(f"unknown kind '{kind}' (kinds: {', '.join(spec.name for spec in SPECS)})")
        click.echo(json.dumps(kind_schema(kind), indent=2, sort_keys=True))
        return
    click.echo(json.dumps(front_matter_schema(), indent=2, sort_keys=True))


#: `aims status` lists at most this many items of each kind of open item.
STATUS_LIMIT = 25


@main.command()
@ROOT
@click.option("--framework", default=None, help="Show coverage of another framework (nist-ai-rmf, eu-ai-act).")
@TODAY
def status(root: Path, framework: str | None, today: dt.datetime | None) -> None:
    """Summarise readiness: what is still missing before the audit."""
    day = _today(today)
    if framework is not None:
        _framework_status(root, framework, day)
        return
    build = _build(root, day)
    register = build.register
    report = build.reports(Audience.auditor, changes_since="").readiness
    errors = [f for f in build.findings if f.severity == Severity.error]

    def head(text: str) -> None:
        click.echo(click.style(text, bold=True))

    head(f"AIMS readiness on {day.isoformat()} ({len(register.records)} records)")
    click.echo("  (only approved, written documents count; the rest are open items)")
    click.echo(f"  controls written up   {report.write_ups}")
    click.echo(f"  applicable controls   {len(report.applicable)}  (excluded: {len(report.excluded)})")
    for state in Implementation:
        rows = report.by_implementation[state]
        click.echo(f"    {state.value:<19} {len(rows)}")
    click.echo(f"  implemented           {report.implemented}")
    click.echo(f"  evidenced             {report.evidenced_fraction}")
    if report.evidence_in_progress:
        click.echo(f"    evidence for work in progress, not counted: {len(report.evidence_in_progress)}")
    click.echo(f"  subclauses covered    {report.subclause_coverage}")
    if report.subclauses_in_review:
        click.echo(f"    in review, not counted: {len(report.subclauses_in_review)}")
    statuses = ", ".join(f"{s.value.replace('_', ' ')} {len(rows)}" for s, rows in report.by_status.items())
    click.echo(f"  documents by status   {statuses}")
    if report.statement is not None:
        doc = report.statement.doc
        click.echo(f"  SoA record            {report.statement.id} v{doc.version or '-'}, {doc.status.value}")
    else:
        click.echo("  SoA record            none (add content/soa/SOA.md)")

    people = build.reports(Audience.auditor, changes_since="")
    if people.roles or register.people:
        head(f"People: {len(register.people.persons)} in the register, {len(people.roles)} roles")
        for ack in people.acknowledgements:
            share = f"{len(ack.acknowledged)} / {len(ack.required)}"
            percent = f" ({ack.percent:.0f}%)" if ack.percent is not None else ""
            late = f", {len(ack.overdue)} overdue" if ack.overdue else ""
            click.echo(f"  acknowledged {ack.record.id} v{ack.version}: {share}{percent}{late}")
        for role in people.roles:
            for competence in role.competences:
                click.echo(
                    f"  {role.record.id} {competence}: {role.covered(competence)} / {len(role.holders)} holders trained"
                )

    stage1 = build.reports(Audience.auditor, changes_since="").stage1
    met = sum(row.state == "met" for row in stage1)
    head(f"Stage 1 index: {met} of {len(stage1)} items of required documented information met")
    for row in stage1:
        shown = ", ".join(
            r.id + ("" if r.done else f" ({r.standing.value.replace('_', ' ')})") for r in row.documents[:6]
        )
        more = f" and {len(row.documents) - 6} more" if len(row.documents) > 6 else ""
        via = "scope setting" + (", " if shown else "") if row.setting_value else ""
        click.echo(f"  {row.item.clause:<6} {row.item.title}: {row.state.upper()}  {via}{shown}{more}".rstrip())

    head(f"Open items ({len(report.open)})")
    for category, items in report.open.groups():
        if not items:
            continue
        head(f"{category.title} ({len(items)})")
        for item in items[:STATUS_LIMIT]:
            name = f"{item.action} on {item.ref}" if item.action else item.ref
            rest = item.title.removeprefix(item.ref).strip()
            title = f" {rest}" if rest and not item.action else ""
            owner = item.owner or "unassigned"
            due = f", due {item.due}" + (" OVERDUE" if item.overdue(day) else "") if item.due else ""
            click.echo(f"  {name}{title}: {item.detail} [{owner}{due}]")
        if len(items) > STATUS_LIMIT:
            click.echo(f"  ... and {len(items) - STATUS_LIMIT} more (see the readiness page)")
    if errors:
        head(f"Errors to fix first ({len(errors)}): run `aims check` for the list")


@main.command()
@ROOT
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the PDF (default: build/auditor-pack.pdf; build/documentation-pack.pdf when narrower).",
)
@click.option(
    "--audience",
    type=click.Choice([a.value for a in Audience]),
    default=None,
    help="Which classifications the pack includes (default: the plugin's pdf_audience, auditor).",
)
@click.option("--page-size", type=click.Choice(["a4", "letter"], case_sensitive=False), default=None)
@click.option("--attach-evidence", is_flag=True, default=None, help="Embed evidence files as PDF attachments.")
@click.option("--pdfa", is_flag=True, default=None, help="Write PDF/A-3b (archival, attachments allowed).")
@click.option("--changes-since", default=None, help="Add a section of changes since this tag, commit or date.")
@click.option(
    "--at", "at", default=None, help="Build the pack of a past version: a tag, commit or date, as it was then."
)
@TODAY
def pdf(
    root: Path,
    output: Path | None,
    audience: str | None,
    page_size: str | None,
    attach_evidence: bool | None,
    pdfa: bool | None,
    changes_since: str | None,
    at: str | None,
    today: dt.datetime | None,
) -> None:
    """Write the auditor documentation pack of the AIMS under ROOT as one PDF."""
    import tempfile

    from ..files.history import read_history, resolve_ref, snapshot_project

    project = _project(root)
    out = output
    if at is None:
        build = Build(project.root, project.settings, _today(today), display_root=_display_root(project.root))
        _write_pack(project, build, out, audience, page_size, attach_evidence, pdfa, changes_since, today)
        return
    try:
        commit, _ = resolve_ref(project.content_dir, at)
        if commit is None:
            raise SnapshotError(f"there is no commit on or before {at}")
        with tempfile.TemporaryDirectory(prefix="aims-at-") as tmp:
            past = _project(snapshot_project(project.root, commit, Path(tmp)))
            history = read_history(project.content_dir, rev=commit)
            build = Build(past.root, past.settings, _today(today), display_root=past.root, history=history)
            build.at = (project.content_dir, commit)
            out = out or project.root / "build" / f"{at.replace('/', '-')}-pack.pdf"
            _write_pack(past, build, out, audience, page_size, attach_evidence, pdfa, changes_since, today)
    except SnapshotError as exc:
        raise click.UsageError(str(exc)) from None


def _write_pack(
    project: Project,
    build: Build,
    output: Path | None,
    audience: str | None,
    page_size: str | None,
    attach_evidence: bool | None,
    pdfa: bool | None,
    changes_since: str | None,
    today: dt.datetime | None,
) -> None:
    from ..outputs.pack import PackOptions, make_pack  # WeasyPrint and the templates only when asked for
    from ..outputs.pack.compose import pack_file, pack_name
    from ..outputs.pack.write import build_date

    settings = project.settings
    if today is None:
        # One "as of" for the whole pack: SOURCE_DATE_EPOCH, else the source commit's date.
        build.today = build_date(build.register.history).date()
    errors = [f for f in build.findings if f.severity == Severity.error]
    if errors:
        for finding in errors:
            click.echo(finding.format(), err=True)
        click.echo(f"{len(errors)} errors: fix them before building the pack", err=True)
        sys.exit(ExitCode.findings)
    chosen = Audience(audience) if audience else settings.pdf_audience
    since = settings.changes_since if changes_since is None else changes_since
    options = PackOptions(
        organisation=settings.organisation,
        scope=settings.scope,
        audience=chosen,
        page_size=(page_size or settings.pdf_page_size).lower(),
        changes_since=since,
    )
    out = output or project.root / "build" / pack_file(chosen)
    with _pack_progress(sys.stderr.isatty()) as progress:
        result = make_pack(
            build.reports(chosen, changes_since=since),
            out,
            options,
            templates=project.templates,
            attach_evidence=settings.attach_evidence if attach_evidence is None else attach_evidence,
            pdfa=settings.pdfa if pdfa is None else pdfa,
            progress=progress,
        )
    name = pack_name(chosen)
    click.echo(f"{name}: {result.path}: {result.pages} pages, {result.size:,} bytes, sha256 {result.sha256}")


@contextlib.contextmanager
def _pack_progress(terminal: bool) -> Iterator[Callable[[str], None]]:
    """Stage lines on standard error; on a terminal, also the page WeasyPrint is laying out, on one line."""
    import logging

    def stage(message: str) -> None:
        click.echo(("\r\033[K" if terminal else "") + f"aims pdf: {message}", err=True)

    class Pages(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            text = record.getMessage()
            if "Creating layout - Page" in text:
                page = text.rsplit(" ", 1)[-1]
                click.echo(f"\r\033[Kaims pdf: laying out page {page}", err=True, nl=False)

    logger = logging.getLogger("weasyprint.progress")
    handler, level = Pages(), logger.level
    if terminal:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    try:
        yield stage
    finally:
        if terminal:
            logger.removeHandler(handler)
            logger.setLevel(level)


@main.group()
def evidence() -> None:
    """Collect evidence: a record per file, with its hash recorded when it is collected."""


@evidence.command("add")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--controls", "-c", "controls", multiple=True, required=True, help="A control it evidences (repeat).")
@click.option("--title", default=None, help="The record's title (default: from the file name).")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=".", help="The AIMS project.")
@TODAY
def evidence_add(
    file: Path, controls: tuple[str, ...], title: str | None, root: Path, today: dt.datetime | None
) -> None:
    """Write a draft evidence record for FILE with the next free ID, its SHA-256, size and collection date.

    A FILE outside the content folder is copied into evidence/files/ first.
    """
    from .evidence import EvidenceError, add_evidence

    project = _project(root)
    try:
        added = add_evidence(project.content_dir, file, list(controls), title, _today(today))
    except EvidenceError as exc:
        raise click.UsageError(str(exc)) from None
    shown = _display_root(project.root)
    record = added.record.relative_to(project.root) if shown == project.root else added.record
    click.echo(
        f"{record}: {added.id} for {added.file.name} ({added.size:,} bytes, sha256 {added.sha256}); "
        "describe it, remove the placeholder marker and approve it"
    )


@evidence.command("ingest")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--record", "record_id", required=True, help="The measured evidence record the results are for.")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=".", help="The AIMS project.")
@TODAY
def evidence_ingest(file: Path, record_id: str, root: Path, today: dt.datetime | None) -> None:
    """Put new results FILE in place of a measured evidence record's file (for CI), and judge them.

    Records the file's SHA-256, size, collection and measurement dates in the record, then
    reports each result against its threshold. Exits 1 when a blocking expectation fails
    (`blocking: true`, or the setting `failed_expectation: error`); a file that cannot be
    measured is refused and nothing is written.
    """
    from .evidence import EvidenceError, ingest_results

    project = _project(root)
    try:
        done = ingest_results(
            project.content_dir,
            file,
            record_id,
            _today(today),
            display_root=_display_root(project.root),
            blocking_setting=project.settings.failed_expectation == "error",
        )
    except EvidenceError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    m = done.measurement
    failing = m.failing
    click.echo(
        f"{record_id}: {done.file.name} in place ({done.size:,} bytes, sha256 {done.sha256}); "
        f"{len(m.outcomes) - len(failing)} of {len(m.outcomes)} results meet their thresholds"
    )
    for outcome in failing:
        click.echo(f"  fails: {outcome.summary}")
    if failing and done.blocking:
        click.echo(f"{record_id}: a blocking expectation fails", err=True)
        sys.exit(1)


@main.command()
@click.argument("kind")
@click.argument("title")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=".", help="The AIMS project.")
@TODAY
def new(kind: str, title: str, root: Path, today: dt.datetime | None) -> None:
    """Write a new draft record of KIND (policy, risk, evidence, role, ...) titled TITLE.

    It gets the next free ID and every field its kind requires, each with a value to
    check, and a body marked as a placeholder: it counts as not written until the
    marker is removed.
    """
    from .authoring import AuthoringError, new_record

    build = _build(root, _today(today))
    try:
        written = new_record(build.register, build.content_dir, kind, title, _today(today))
    except AuthoringError as exc:
        raise click.UsageError(str(exc)) from None
    shown = _display_root(build.root)
    path = written.path.relative_to(shown) if written.path.is_relative_to(shown) else written.path
    click.echo(f"{path}: {written.id} {title.strip()} (draft; write it, then remove the placeholder marker)")


@main.command()
@click.argument("record_id", metavar="ID")
@click.option("--by", "by", required=True, help="Who approves it (a name, or a person's ID).")
@click.option("--version", "version", default=None, help="The version approved (default: the next minor one).")
@click.option("--commit", "commit", is_flag=True, help="Commit the change with an Approved-by trailer.")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=".", help="The AIMS project.")
@TODAY
def approve(record_id: str, by: str, version: str | None, commit: bool, root: Path, today: dt.datetime | None) -> None:
    """Record the approval of record ID: status, approver, date, version and next review.

    The version goes up by one minor step unless --version gives it; next_review is
    derived from review_every. With --commit the file is committed with an
    `Approved-by:` trailer, which the pack shows as the approval's attestation.
    """
    from .authoring import AuthoringError
    from .authoring import approve as approve_record

    build = _build(root, _today(today))
    try:
        done = approve_record(build.register, record_id, by, _today(today), version=version, commit=commit)
    except AuthoringError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(ExitCode.findings)
    review = f", next review {done.next_review}" if done.next_review else ""
    made = f"; committed {done.commit[:10]}" if done.commit else ""
    click.echo(f"{record_id}: approved by {by.strip()} as version {done.version}{review}{made}")


@main.command()
@click.argument("document")
@click.option(
    "--as", "who", required=True, help="The person acknowledging: an ID, a name or an e-mail of the register."
)
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=".", help="The AIMS project.")
@TODAY
def acknowledge(document: str, who: str, root: Path, today: dt.datetime | None) -> None:
    """Record that a person has read the current version of DOCUMENT (a policy or procedure).

    Appends a row (person, document, version, date) to acknowledgements/acknowledgements.csv;
    commit it, and the commit says who recorded it.
    """
    from .acknowledge import AcknowledgeError, default_target
    from .acknowledge import acknowledge as record_acknowledgement

    build = _build(root, _today(today))
    target = default_target(build.content_dir)
    try:
        row, already = record_acknowledgement(build.register, document, who, _today(today), target)
    except AcknowledgeError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(ExitCode.findings)
    if already:
        click.echo(f"{already}: nothing to add")
        return
    shown = (
        target.relative_to(project_root) if (project_root := _display_root(build.root)) in target.parents else target
    )
    click.echo(f"{shown}: {row.person} acknowledged {row.document} version {row.version} on {row.date}")


@main.group("import")
def import_() -> None:
    """Bring records in from other systems (an LMS or HR export)."""


@import_.command("acknowledgements")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option(
    "--map",
    "mapping",
    required=True,
    help="Our columns from theirs: person=EmployeeID,document=PolicyRef,date=CompletedOn[,version=Ver].",
)
@click.option("--date-format", default=None, help="How the export writes dates, e.g. %d/%m/%Y (default: ISO).")
@click.option("--into", default=None, help="File under acknowledgements/ to append to (default: FILE's name).")
@click.option("--skip-refused", is_flag=True, help="Import the rows that can be placed even when some cannot.")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=".", help="The AIMS project.")
def import_acknowledgements(
    file: Path, mapping: str, date_format: str | None, into: str | None, skip_refused: bool, root: Path
) -> None:
    """Import acknowledgements from an LMS or HR export (CSV), mapping its columns to ours.

    A person may be given by ID, e-mail or name; a row without a version
    acknowledges the document's current one. Rows that cannot be placed are
    listed as path:line: reason; unless --skip-refused, nothing is written then
    and the command exits 1.
    """
    from .acknowledge import AcknowledgeError, append_rows, default_target, import_rows

    build = _build(root, dt.date.today())
    try:
        pairs = dict(part.split("=", 1) for part in mapping.split(",") if part.strip())
    except ValueError:
        raise click.UsageError("--map takes ours=theirs pairs separated by commas") from None
    pairs = {k.strip(): v.strip() for k, v in pairs.items()}
    name = into or (file.stem + ".csv")
    if "/" in name or "\\" in name or name.startswith(".") or not name.endswith(".csv"):
        raise click.UsageError("--into takes a plain file name ending in .csv")
    target = default_target(build.content_dir, name)
    if target.resolve() == file.resolve():
        raise click.UsageError("the export cannot be imported into itself")
    try:
        result = import_rows(build.register, file, str(file), pairs, date_format)
        for reason in result.refused:
            click.echo(reason, err=True)
        if result.refused and not skip_refused:
            click.echo(f"{plural(len(result.refused), 'row')} refused: nothing imported", err=True)
            sys.exit(ExitCode.findings)
        if result.rows:
            append_rows(target, result.rows)
    except AcknowledgeError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(
        f"{target}: {plural(len(result.rows), 'acknowledgement')} imported"
        + (f", {result.duplicates} already recorded" if result.duplicates else "")
        + (f", {len(result.refused)} refused" if result.refused else "")
    )
    if result.refused:
        sys.exit(ExitCode.findings)


@import_.command("oscal-catalog")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--as", "framework", required=True, help="The framework ID to give it (a file frameworks/ID.yaml).")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=".", help="The AIMS project.")
def import_oscal_catalog(file: Path, framework: str, root: Path) -> None:
    """Add a framework from an OSCAL catalog (JSON), such as NIST's AI RMF catalog.

    Writes frameworks/ID.yaml beside mkdocs.yml, which the loader reads like the shipped
    catalogues: enable it with `frameworks: [ID]` and map ISO/IEC 42001 to it in
    frameworks/iso42001--ID.yaml. Anything it cannot map is listed as path:line: problem,
    and nothing is written.
    """
    from .oscal_import import ImportProblem, import_catalog

    project = _project(root)
    try:
        target, count = import_catalog(file, str(file), framework, project.root)
    except ImportProblem as exc:
        for problem in exc.problems:
            click.echo(problem, err=True)
        click.echo("nothing was imported", err=True)
        sys.exit(ExitCode.findings)
    click.echo(f"{target}: {plural(count, 'requirement')} of {framework}; enable it with `frameworks: [{framework}]`")


@main.command()
@click.argument("pack", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("root", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--at-commit", is_flag=True, help="Read the files from the commit the pack names, not the working tree.")
def verify(pack: Path, root: Path, at_commit: bool) -> None:
    """Check a pack against its sources: re-hash every file its manifest lists.

    Exits 0 when every file matches, 1 when one differs or is missing, 2 when
    PACK is not an AIMS pack.
    """
    from ..outputs.pack.verify import NotAPack
    from ..outputs.pack.verify import verify as verify_pack

    if not pack.is_file():
        raise click.UsageError(f"{pack} does not exist")
    try:
        result = verify_pack(pack, root, at_commit=at_commit)
    except NotAPack as exc:
        click.echo(f"aims verify: {exc}", err=True)
        sys.exit(ExitCode.usage)
    where = f"commit {result.commit[:12]}" if at_commit and result.commit else f"the working tree at {root}"
    for path, problem in result.problems:
        click.echo(f"{path}: {problem}")
    verdict = "all match" if result.ok else f"{plural(len(result.problems), 'difference')}"
    click.echo(f"pack {result.digest[:16]}: {plural(result.checked, 'file')} checked against {where}: {verdict}")
    sys.exit(ExitCode.ok if result.ok else ExitCode.findings)


@main.command()
@ROOT
@click.option("--since", required=True, help="Baseline: a tag (stage2-2026), a commit or a date (YYYY-MM-DD).")
@click.option("--until", default=None, help="End point (default: the working tree).")
def changes(root: Path, since: str, until: str | None) -> None:
    """List what changed in the AIMS between two points in time (for surveillance audits)."""
    from ..files.timeline import change_report

    project = _project(root)
    try:
        report = change_report(project.content_dir, since, until, display_root=_display_root(project.root))
    except SnapshotError as exc:
        raise click.UsageError(str(exc)) from None

    def line(text: str) -> None:
        click.echo(text)

    click.echo(click.style(f"Changes from {report.since} to {report.until}", bold=True))
    if report.empty:
        line("  no changes")
    for kinds in report.kinds:
        if kinds.empty:
            continue
        click.echo(click.style(KIND_TITLES[kinds.kind], bold=True))
        for record, title, labels in kinds.rows():
            key = record.topic if record.topic != record.id else record.id
            line(f"  {', '.join(labels):<12} {key}  {title}".rstrip())
    if report.soa:
        click.echo(click.style("Statement of Applicability", bold=True))
        for change in report.soa:
            line(f"  {change.control:<9} {change.before} -> {change.after}")
    if report.risks:
        click.echo(click.style("Risk ratings", bold=True))
        for move in report.risks:
            line(
                f"  {move.record.id:<9} inherent {move.before[0]} -> {move.after[0]}, "
                f"residual {move.before[1] or '-'} -> {move.after[1] or '-'}"
            )
    if report.evidence_expired:
        click.echo(click.style("Evidence that expired in the period", bold=True))
        for record in report.evidence_expired:
            line(f"  expired      {record.id}  (on {record.doc.expires})")


@main.command()
@ROOT
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "csv", "oscal-ssp", "oscal-catalog", "oscal-profile"]),
    default="json",
    show_default=True,
)
@click.option("--framework", default=None, help="OSCAL: another enabled framework's catalogue (nist-ai-rmf, ...).")
@click.option(
    "--table",
    type=click.Choice(["records", "people"]),
    default="records",
    show_default=True,
    help="The CSV table: one row per record, or per person.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file (atomically) instead of standard output.",
)
@TODAY
def export(
    root: Path, fmt: str, table: str, framework: str | None, output: Path | None, today: dt.datetime | None
) -> None:
    """Export the whole register with its history, stable and sorted, as JSON, CSV or OSCAL.

    JSON holds the records and, where there is a people register, one entry per
    person (roles, acknowledgements, competences); CSV holds one table: the
    records, or with --table people one row per person. The OSCAL formats (1.1.3)
    are a system security plan of the AIMS, a catalogue as a catalog, and the
    Statement of Applicability as a profile; --framework picks another enabled
    framework's catalogue.
    """
    from ..outputs.exports import people_csv, register_csv, register_json
    from ..outputs.writefile import write_atomically

    day = _today(today)
    build = _build(root, day, frameworks=None)
    register = build.register
    if fmt == "json":
        text = register_json(register, day)
    elif fmt == "csv":
        text = people_csv(register, day) if table == "people" else register_csv(register)
    else:
        text = _oscal(build, fmt, framework)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomically(output, text.encode("utf-8"))


def _oscal(build: Build, fmt: str, framework: str | None) -> str:
    from ..catalog import load_catalog
    from ..outputs import oscal
    from ..outputs.pack.write import build_date

    history = build.register.history
    stamp = oscal.Stamp(history.head.commit if history.head else "", build_date(history))
    reports = build.reports(Audience.auditor, changes_since="")
    settings = build.settings
    if framework is not None and framework != DEFAULT_FRAMEWORK and framework not in reports.view.frameworks:
        enabled = ", ".join(reports.view.frameworks) or "none"
        raise click.UsageError(f"--framework {framework}: not enabled in mkdocs.yml (enabled: {enabled})")
    chosen = framework if framework and framework != DEFAULT_FRAMEWORK else None
    if fmt == "oscal-catalog":
        if chosen is None:
            document = oscal.catalog_document(build.register.catalog, stamp, reports.soa)
        else:
            document = oscal.catalog_document(reports.view.frameworks.get(chosen) or load_catalog(chosen), stamp)
    elif fmt == "oscal-profile":
        if chosen is not None:
            raise click.UsageError("the profile is the Statement of Applicability: it selects ISO/IEC 42001 controls")
        document = oscal.profile_document(reports, stamp, settings.organisation)
    else:
        coverage = next((c for c in reports.frameworks if c.catalog.id == chosen), None) if chosen else None
        document = oscal.ssp_document(reports, stamp, settings.organisation, settings.scope, coverage)
    return oscal.dumps(document)


def _framework_status(root: Path, framework: str, day: dt.date) -> None:
    from ..catalog import project_frameworks

    project = _project(root)
    known = available_frameworks() + project_frameworks(project.catalog_dir)
    if framework not in known or framework == DEFAULT_FRAMEWORK:
        others = [f for f in known if f != DEFAULT_FRAMEWORK]
        raise click.UsageError(f"unknown framework '{framework}'; available: {', '.join(others)}")
    # Asking about a framework enables it for this report, whatever mkdocs.yml says.
    frameworks = sorted({*project.frameworks, framework})
    build = Build(project.root, project.settings, day, display_root=_display_root(project.root), frameworks=frameworks)
    reports = build.reports(Audience.auditor, changes_since="")
    cov = next((c for c in reports.frameworks if c.catalog.id == framework), None)
    if cov is None:  # its own file has an error
        for finding in build.findings:
            if finding.code == "AIMS051":
                click.echo(finding.format(), err=True)
        sys.exit(ExitCode.findings)
    title = f"{cov.catalog.title}: {len(cov.rows)} requirements, {cov.applicable} applicable, on {day.isoformat()}"
    click.echo(click.style(title, bold=True))
    for state in STATES:
        whole = len(cov.rows) if state == "not_applicable" else cov.applicable
        click.echo(f"  {cov.state_titles[state]:<28} {cov.count(state)} / {whole}")
    for state in ("gap", "covered", "not_applicable"):
        rows = [row for row in cov.rows if row.state == state]
        if rows:
            click.echo(click.style(f"{cov.state_titles[state]} ({len(rows)})", bold=True))
            for row in rows:
                via = ", ".join(m.source for m in row.mappings) or "no ISO/IEC 42001 mapping"
                why = row.not_applicable or via
                click.echo(f"  {row.requirement.id:<14} {row.requirement.title}  [{why}]")


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--organisation", default=None, help="Your organisation's name (asked for when not given).")
@click.option("--restore", is_flag=True, help="Write only the scaffold's files that are missing; keep the others.")
def init(directory: Path, organisation: str | None, restore: bool) -> None:
    """Create a new AIMS repository in DIRECTORY (never overwrites a file)."""
    from . import scaffold

    if organisation is None:
        if not sys.stdin.isatty():
            raise click.UsageError("give your organisation's name with --organisation NAME")
        organisation = click.prompt("Your organisation's name").strip()
    if not organisation.strip():
        raise click.UsageError("the organisation's name cannot be empty")
    try:
        written = scaffold.init(directory, organisation.strip(), dt.date.today(), restore=restore)
    except FileExistsError as exc:
        existing = exc.args[0]
        shown = ", ".join(existing[:3]) + (f" and {len(existing) - 3} more" if len(existing) > 3 else "")
        count = plural(len(existing), "file")
        click.echo(f"{directory}: {count} of the scaffold exist already ({shown})", err=True)
        click.echo("nothing was written: aims init overwrites no file (--restore writes the missing ones)", err=True)
        sys.exit(ExitCode.findings)
    if restore:
        click.echo(f"restored {plural(len(written), 'missing file')} in {directory}")
        for path in written:
            click.echo(f"  {path.relative_to(directory).as_posix()}")
        return
    click.echo(f"wrote {len(written)} files to {directory} for {organisation.strip()}")
    from .install import install_spec, local_only

    spec = install_spec()
    if local_only(spec):
        click.echo(
            f"note: requirements-aims.txt installs the tool from this machine ({spec.split(' @ ', 1)[1]}); "
            "for CI elsewhere, write aims-as-code[pdf]==VERSION (the index) or a git URL there",
            err=True,
        )
    click.echo("next:")
    click.echo(f"  cd {directory}")
    click.echo("  git init && git add . && git commit -m 'AIMS scaffold'   # revision records come from git")
    click.echo("  aims status        # what is still missing before the audit")
    click.echo("  mkdocs serve       # the site, rebuilt as you edit content/")


@main.command()
@ROOT
@click.option("--strict", is_flag=True, help="Fail on any MkDocs warning (as `mkdocs build --strict`).")
@click.option("-d", "--site-dir", type=click.Path(file_okay=False, path_type=Path), default=None)
def build(root: Path, strict: bool, site_dir: Path | None) -> None:
    """Build the site (and the pack, when the plugin's `pdf` is on) of the project at ROOT with MkDocs.

    Prints one line: pages, findings and the pack. MkDocs' own messages appear only when they
    are warnings or errors.
    """
    import logging
    import os

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")  # the theme's banner about MkDocs 2: not ours to print
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    project = _project(root)
    config_file = project.root / "mkdocs.yml"
    if not config_file.is_file():
        raise click.UsageError(f"{config_file}: not found; `aims init` writes one")
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    try:
        config = load_config(str(config_file), strict=strict, **({"site_dir": str(site_dir)} if site_dir else {}))
        mkdocs_build(config)
    except MkDocsException as exc:
        click.echo(f"aims build: {exc}", err=True)
        sys.exit(ExitCode.findings)
    site = Path(config["site_dir"])
    pages = sum(1 for _ in site.rglob("*.html")) if site.is_dir() else 0
    plugin = config.plugins.get("aims")
    findings = plugin.build.findings if plugin is not None and getattr(plugin, "build", None) else []
    errors = sum(f.severity == Severity.error for f in findings)
    gaps = sum(f.severity == Severity.warning and f.code in GAP_CODES for f in findings)
    result = getattr(plugin, "pack_result", None)
    pack = f"; pack {result.path.name}: {result.pages} pages" if result is not None else "; no pack (pdf: false)"
    shown = site.relative_to(Path.cwd()) if site.is_relative_to(Path.cwd()) else site
    records = len(plugin.build.register.records) if plugin is not None and getattr(plugin, "build", None) else 0
    counts = _summary(records, errors, len(findings) - errors, gaps)
    click.echo(f"aims build: {shown}: {plural(pages, 'page')}; {counts}{pack}")
