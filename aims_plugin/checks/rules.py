"""Cross-reference and completeness rules: Register -> findings.

Each rule is a small function over the register; `run_checks` runs them all
and returns the loader's findings with theirs, sorted by place.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterator

from ..files.results import measured_day
from ..model import ActionStatus, Clause, Control, Document, Evidence, Kind, Ref, Status, Treatment, ref_fields
from ..model.crossref import find_refs
from ..model.kinds import EVERYONE
from ..model.measures import describe, number
from ..register import collector
from ..register.findings import Finding, did_you_mean, error, plural, warning
from ..register.links import actions_of
from ..register.records import SAFE_ID, Record, Register
from ..reports.coverage import clause_coverage
from ..reports.readiness import changed_since_approval
from ..reports.registers import risk_register
from ..reports.soa import measurement_due
from .people import PEOPLE_RULES

Rule = Callable[[Register, dt.date], Iterator[Finding]]


def run_checks(register: Register, today: dt.date | None = None) -> list[Finding]:
    today = today or dt.date.today()
    findings = list(register.findings)
    with collector.paused():  # as in `load`: the rules make many small objects and no cycles worth collecting
        for rule in RULES:
            findings.extend(rule(register, today))
    return sorted(set(findings))  # by place: path, line, code, severity, message


def check_ids(register: Register, today: dt.date) -> Iterator[Finding]:
    seen: dict[str, Record] = {}
    for record in sorted(register.records, key=lambda r: r.source.rel):
        src = record.source
        if not SAFE_ID.fullmatch(record.id) or ".." in record.id:
            yield error(
                src.display,
                src.line_of("id") if "id" in src.lines else src.line_of(record.kind.value),
                "AIMS008",
                f"ID {record.id!r} is not safe as a file name: use letters, digits, '.', '-' and '_' only",
            )
            continue
        first = seen.setdefault(record.id, record)
        if first is not record:
            yield error(
                src.display,
                src.line_of("id"),
                "AIMS009",
                f"ID '{record.id}' is already used by {first.source.display}:{first.source.line_of('id')}",
            )


def own_controls(register: Register) -> set[str]:
    """The IDs of the organisation's own controls (beyond Annex A)."""
    return {
        r.doc.control
        for r in register.of_kind(Kind.control)
        if isinstance(r.doc, Control) and r.doc.organisation_defined
    }


def check_references(register: Register, today: dt.date) -> Iterator[Finding]:
    own = own_controls(register)
    for record in register.records:
        src = record.source
        for name, ref in ref_fields(type(record.doc)).items():
            if name == "control" and isinstance(record.doc, Control) and record.doc.organisation_defined:
                continue  # its own ID; checked in check_controls
            value = getattr(record.doc, name)
            values = value if isinstance(value, list) else [value]
            for index, target in enumerate(values):
                if target is None or (name == "acknowledge_by" and target == EVERYONE):
                    continue
                problem = _reference_problem(register, ref, target, own)
                if problem:
                    code, message = problem
                    line = src.line_of(name, index if isinstance(value, list) else None)
                    yield error(src.display, line, code, f"{name}: {message}")


def _reference_problem(register: Register, ref: Ref, target: str, own: set[str]) -> tuple[str, str] | None:
    catalog = register.catalog
    if ref.catalog in ("control", "requirement") and target in own:
        return None
    if ref.catalog is not None:
        local = target.split(":", 1)[1] if target.startswith(f"{catalog.id}:") else target
        if ":" in local:
            prefix, other_id = local.split(":", 1)
            other = register.frameworks.get(prefix)
            if other is None:
                return "AIMS010", f"'{target}' names the framework '{prefix}', which is not enabled"
            if ref.catalog != "requirement":
                return "AIMS011", f"'{target}' is not {_catalog_noun(ref.catalog)} of {catalog.title}"
            if other_id not in other.requirements:
                return "AIMS010", f"'{target}': {other.title} has no requirement '{other_id}'"
            return None
        req = catalog.requirements.get(local)
        wanted = {"control": ("control",), "subclause": ("subclause",)}.get(
            ref.catalog, ("subclause", "control", "clause")
        )
        if req is None:
            choices = [r.id for r in catalog.requirements.values() if r.type in wanted] + sorted(own)
            hint = did_you_mean(local, choices, 0.6)
            return "AIMS010", f"'{target}' is not {_catalog_noun(ref.catalog)} of {catalog.title}{hint}"
        if req.type not in wanted:
            return "AIMS011", f"'{target}' is a {req.type.replace('_', ' ')}, not {_catalog_noun(ref.catalog)}"
        return None
    found = register.by_id.get(target)
    if found is None:
        if target in register.broken_ids:
            return None  # its own file already has an error
        kinds = " or ".join(ref.kinds)
        hint = did_you_mean(target, [r.id for r in register.records if r.kind in ref.kinds], 0.6)
        return "AIMS010", f"no {kinds} has the ID '{target}'{hint}"
    if found.kind not in ref.kinds:
        kinds = " or ".join(ref.kinds)
        return "AIMS011", f"'{target}' is a {found.kind.value}, not a {kinds}"
    return None


def _catalog_noun(kind: str | None) -> str:
    return {"control": "an Annex A control", "subclause": "a subclause"}.get(kind or "", "a clause or control")


def check_controls(register: Register, today: dt.date) -> Iterator[Finding]:
    written: dict[str, Record] = {}
    for record in register.of_kind(Kind.control):
        doc = record.doc
        assert isinstance(doc, Control)
        src = record.source
        if doc.applicable is False and not doc.justification:
            yield error(
                src.display,
                src.line_of("applicable"),
                "AIMS012",
                f"{doc.control} is marked not applicable without a justification (the SoA needs one)",
            )
        elif doc.applicable and not doc.justification:
            yield warning(
                src.display,
                src.line_of("applicable"),
                "AIMS013",
                f"{doc.control} is included without a justification for including it",
            )
        taken = register.by_id.get(doc.control)
        if doc.organisation_defined and taken is not None and taken is not record:
            yield error(
                src.display,
                src.line_of("control"),
                "AIMS009",
                f"{doc.control} is already the ID of {taken.source.display}; give the control an ID of its own",
            )
        if doc.organisation_defined and doc.control in register.catalog.requirements:
            yield error(
                src.display,
                src.line_of("control"),
                "AIMS031",
                f"{doc.control} is an ID of {register.catalog.title}; give an organisation-defined control its own ID",
            )
        yield from _second_write_up(written, doc.control, record)
    for req in register.catalog.controls:
        # A write-up whose front matter is broken has its own error: it is not reported missing too.
        if req.id not in written and req.id not in register.broken_ids:
            yield warning(
                register_display(register, "controls"),
                1,
                "AIMS018",
                f"Annex A control {req.id} ({req.title}) has no write-up: the SoA is incomplete",
            )


def check_clause_coverage(register: Register, today: dt.date) -> Iterator[Finding]:
    written: dict[str, Record] = {}
    for record in register.of_kind(Kind.clause):
        assert isinstance(record.doc, Clause)
        yield from _second_write_up(written, record.doc.clause, record)
    for row in clause_coverage(register):
        if not row.covered:
            yield warning(
                register_display(register, "clauses"),
                1,
                "AIMS019",
                f"subclause {row.subclause} ({row.title}) is not covered by any document",
            )


def _second_write_up(written: dict[str, Record], key: str, record: Record) -> Iterator[Finding]:
    first = written.setdefault(key, record)
    if first is not record:
        src = record.source
        yield error(
            src.display,
            1,
            "AIMS020",
            f"{key} already has a write-up in {first.source.display}; keep one file per {record.kind.value}",
        )


def register_display(register: Register, folder: str) -> str:
    """Where a finding about a missing file points: the folder it belongs in."""
    return f"{register.display_dir}/{folder}/"


def check_evidence(register: Register, today: dt.date) -> Iterator[Finding]:
    for record in register.of_kind(Kind.evidence):
        if record.attachment_problem is not None:
            yield record.attachment_problem
        yield from _evidence_integrity(record)
        doc = record.doc
        if not getattr(doc, "file", None) and not getattr(doc, "url", None):
            src = record.source
            yield error(src.display, src.line_of("id"), "AIMS021", "evidence record has neither 'file' nor 'url'")


def _evidence_integrity(record: Record) -> Iterator[Finding]:
    """The file must still be the one recorded at collection; a file without a recorded hash cannot be checked."""
    doc, src, attachment = record.doc, record.source, record.attachment
    assert isinstance(doc, Evidence)
    if attachment is None:
        return
    if doc.sha256 is None:
        yield warning(
            src.display,
            src.line_of("file"),
            "AIMS038",
            f"evidence file '{doc.file}' has no recorded sha256: a later change to it could not be detected "
            f"(record sha256: {attachment.sha256})",
        )
    elif doc.sha256.lower() != attachment.sha256:
        yield error(
            src.display,
            src.line_of("sha256"),
            "AIMS037",
            f"evidence file '{doc.file}' no longer matches the sha256 recorded at collection "
            f"(recorded {doc.sha256[:16]}…, now {attachment.sha256[:16]}…): restore it, or collect it again",
        )
    elif doc.size is not None and doc.size != attachment.size:
        yield error(
            src.display,
            src.line_of("size"),
            "AIMS037",
            f"evidence file '{doc.file}' is {attachment.size} bytes, recorded {doc.size} at collection",
        )


def check_approval(register: Register, today: dt.date) -> Iterator[Finding]:
    for record in register.records:
        doc: Document = record.doc
        if doc.status != Status.approved:
            continue
        missing = [key for key in ("approved_by", "approved_on") if getattr(doc, key) is None]
        if missing:
            src = record.source
            yield error(
                src.display,
                src.line_of("status"),
                "AIMS016",
                f"status is approved but {' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing",
            )


def check_reviews(register: Register, today: dt.date) -> Iterator[Finding]:
    for record in register.records:
        doc = record.doc
        if doc.review_overdue(today):
            assert doc.next_review is not None
            src = record.source
            days = (today - doc.next_review).days
            yield warning(
                src.display,
                src.line_of("next_review" if "next_review" in src.lines else "review_every"),
                "AIMS017",
                f"review was due on {doc.next_review.isoformat()} ({plural(days, 'day')} ago)",
            )


def check_cross_references(register: Register, today: dt.date) -> Iterator[Finding]:
    catalog = register.catalog
    known = set(register.by_id) | set(catalog.requirements) | register.broken_ids
    known |= {action.id for record in register.records for action in actions_of(record)}
    known |= {f"{fid}:{rid}" for fid, other in register.frameworks.items() for rid in other.requirements}
    for record in register.records:
        src = record.source
        for ref in find_refs(src.body):
            if ref.ref.removeprefix(f"{catalog.id}:") not in known:
                hint = did_you_mean(ref.ref, register.by_id, 0.6)
                message = f"cross-reference [[{ref.ref}]] names no document{hint}"
                yield warning(src.display, src.body_line + ref.line, "AIMS024", message)


def check_changed_since_approval(register: Register, today: dt.date) -> Iterator[Finding]:
    for record, change in changed_since_approval(register):
        src, approved_on = record.source, record.doc.approved_on
        assert approved_on is not None
        yield warning(
            src.display,
            src.line_of("approved_on"),
            "AIMS025",
            f'changed on {change.date.date().isoformat()} ({change.short} "{change.message}") '
            f"after its approval on {approved_on.isoformat()}: approve it again",
        )


def check_actions(register: Register, today: dt.date) -> Iterator[Finding]:
    """Action IDs unique (and distinct from document IDs), evidence known, overdue and unfinished closures."""
    seen: dict[str, str] = {}
    for record in sorted(register.records, key=lambda r: r.source.rel):
        src = record.source
        for index, action in enumerate(actions_of(record)):
            line = src.line_of("actions", index)
            where = f"actions[{index}] ({action.id})"
            if not SAFE_ID.fullmatch(action.id) or ".." in action.id:
                yield error(
                    src.display, line, "AIMS008", f"{where}: ID is not safe: use letters, digits, '.', '-', '_'"
                )
            elif action.id in register.by_id or action.id in register.catalog.requirements:
                yield error(
                    src.display, line, "AIMS009", f"{where}: ID is already used by a document or catalogue entry"
                )
            elif (
                first := seen.setdefault(action.id, f"{src.display} actions[{index}]")
            ) != f"{src.display} actions[{index}]":
                yield error(src.display, line, "AIMS009", f"{where}: ID is already used by {first}")
            for target in action.evidence:
                found = register.by_id.get(target)
                if found is None and target not in register.broken_ids:
                    yield error(src.display, line, "AIMS010", f"{where}: evidence: no evidence has the ID '{target}'")
                elif found is not None and found.kind != Kind.evidence:
                    yield error(src.display, line, "AIMS011", f"{where}: evidence: '{target}' is a {found.kind.value}")
            if record.doc.status == Status.retired:
                continue
            if action.overdue(today):
                assert action.due is not None
                days = (today - action.due).days
                yield warning(
                    src.display, line, "AIMS032", f"{where} was due on {action.due} ({plural(days, 'day')} ago)"
                )
            if action.status == ActionStatus.done and (not action.evidence or action.closed_on is None):
                missing = " and ".join(
                    m
                    for m, absent in (("evidence", not action.evidence), ("closed_on", action.closed_on is None))
                    if absent
                )
                yield warning(src.display, line, "AIMS033", f"{where} is done without {missing}")
            if action.status == ActionStatus.open and action.closed_on is not None:
                yield warning(src.display, line, "AIMS033", f"{where} has closed_on but its status is open")


def check_risk_acceptance(register: Register, today: dt.date) -> Iterator[Finding]:
    """A residual risk above appetite needs a recorded acceptance; a band nobody may accept cannot be accepted."""
    for row in risk_register(register):
        doc, src = row.risk, row.record.source
        if doc.status == Status.retired or not row.above_appetite:
            continue
        band = row.residual_band
        score = row.residual if row.residual is not None else row.inherent
        rated = f"rated {band.name} ({score}), above the appetite ({register.criteria.appetite})"
        line = src.line_of("treatment" if "treatment" in src.lines else "likelihood")
        if band.accepted_by is None:
            if doc.treatment == Treatment.accept or row.accepted:
                where = src.line_of("accepted_by") if row.accepted else line
                yield error(src.display, where, "AIMS034", f"{rated}: the risk criteria let nobody accept this band")
            elif doc.treatment != Treatment.avoid:
                yield warning(
                    src.display, line, "AIMS034", f"{rated}: nobody may accept this band; treat it until it is lower"
                )
        elif not row.accepted:
            message = f"{rated}: record accepted_by and accepted_on (may be accepted by: {band.accepted_by})"
            make = error if doc.treatment == Treatment.accept else warning
            yield make(src.display, line, "AIMS034", message)


def check_statement(register: Register, today: dt.date) -> Iterator[Finding]:
    """One record holds the SoA's document control; the EU AI Act needs the organisation's roles."""
    statements = register.of_kind(Kind.soa)
    for extra in statements[1:]:
        yield error(
            extra.source.display,
            1,
            "AIMS020",
            f"the Statement of Applicability already has its record in {statements[0].source.display}",
        )
    if "eu-ai-act" in register.frameworks and not any(
        getattr(r.doc, "eu_ai_act_roles", None) for r in register.of_kind(Kind.system)
    ):
        yield warning(
            register_display(register, "systems"),
            1,
            "AIMS035",
            "no AI system names the organisation's eu_ai_act_roles: every EU AI Act article is counted as applicable",
        )


def check_evidence_dates(register: Register, today: dt.date) -> Iterator[Finding]:
    for record in register.of_kind(Kind.evidence):
        doc = record.doc
        if (
            doc.status != Status.retired
            and getattr(doc, "expires", None) is None
            and getattr(doc, "collected_on", None) is None
        ):
            src = record.source
            yield warning(
                src.display,
                src.line_of("id"),
                "AIMS036",
                "evidence without collected_on or expires never counts as current",
            )


def check_self_approval(register: Register, today: dt.date) -> Iterator[Finding]:
    """An approver who wrote changes in the version they approved: a warning (an error with the setting)."""
    make = error if register.self_approval == "error" else warning
    for record in register.records:
        doc = record.doc
        if doc.status != Status.approved or not doc.approved_by:
            continue
        approval = register.history.approval(record.source.rel, register.named(doc.approved_by))
        if approval is not None and approval.self_approved:
            src = record.source
            yield make(
                src.display,
                src.line_of("approved_by"),
                "AIMS040",
                f"{doc.approved_by} approved a version they changed themselves "
                f"(approval {approval.revision.short}); ask someone independent to approve it",
            )


def check_measurements(register: Register, today: dt.date) -> Iterator[Finding]:
    """Measured evidence: each result within its threshold, the results file readable, measured often enough."""
    for record in register.of_kind(Kind.evidence):
        doc, src = record.doc, record.source
        assert isinstance(doc, Evidence)
        if not doc.expectations or doc.status == Status.retired:
            continue
        if not doc.file:
            yield error(
                src.display,
                src.line_of("expectations"),
                "AIMS042",
                "expectations need a results file: give 'file' (JSON or CSV, inside the content folder)",
            )
            continue
        measurement = record.measurement
        if measurement is None:
            continue  # the file itself is refused (AIMS014/AIMS015)
        yield from measurement.problems
        blocking = doc.blocking or register.failed_expectation == "error"
        make = error if blocking else warning
        for outcome in measurement.failing:
            expectation = outcome.expectation
            group = f" for group '{outcome.group}'" if outcome.group is not None else ""
            yield make(
                src.display,
                src.line_of("expectations", outcome.index),
                "AIMS041",
                f"{expectation.label}{group} measured {number(outcome.value)}, "
                f"expected {describe(expectation.op, outcome.threshold)}" + (" (blocking)" if doc.blocking else ""),
            )
        due = measurement_due(record)
        if doc.every and due is None:
            yield warning(
                src.display,
                src.line_of("every"),
                "AIMS043",
                "measured evidence with `every` but no date: give measured_on (or a measured_on in the results file)",
            )
        elif due is not None and due < today:
            yield warning(
                src.display,
                src.line_of("every"),
                "AIMS043",
                f"measured on {measured_day(record)}, to be measured every {doc.every}: "
                f"stale since {due}; measure it again (`aims evidence ingest`)",
            )


#: Dates that record something done: none of them can lie after the day of the check.
PAST_DATES = (
    "approved_on",
    "collected_on",
    "measured_on",
    "accepted_on",
    "assessed_on",
    "held_on",
    "performed_on",
    "closed_on",
)


def check_future_dates(register: Register, today: dt.date) -> Iterator[Finding]:
    for record in register.records:
        doc, src = record.doc, record.source
        for name in _past_dates(type(doc)):
            value = getattr(doc, name)
            if isinstance(value, dt.date) and value > today:
                yield warning(
                    src.display,
                    src.line_of(name),
                    "AIMS039",
                    f"{name} {value} is after today ({today}): it cannot count yet",
                )


@functools.cache
def _past_dates(model: type[Document]) -> tuple[str, ...]:
    """The fields of a kind that date something done (asking a model for a field it lacks is slow)."""
    return tuple(name for name in PAST_DATES if name in model.model_fields)


RULES: tuple[Rule, ...] = (
    check_ids,
    check_references,
    check_controls,
    check_clause_coverage,
    check_evidence,
    check_approval,
    check_reviews,
    check_cross_references,
    check_changed_since_approval,
    check_actions,
    check_risk_acceptance,
    check_statement,
    check_evidence_dates,
    check_future_dates,
    check_self_approval,
    check_measurements,
    *PEOPLE_RULES,
)
