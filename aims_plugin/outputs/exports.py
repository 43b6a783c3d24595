"""Machine-readable exports (JSON, CSV): stable, sorted, byte-for-byte reproducible."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from enum import Enum
from typing import Any

from ..model import SPECS, Document, Kind
from ..register.records import Record, Register
from ..reports.people import PersonRow, acknowledgement_rows, person_rows, role_rows
from ..reports.registers import risk_register
from ..reports.soa import SoaRow


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v is not None and v != []}
    return value


def _cell(value: Any) -> str:
    """A CSV cell: lists joined with `; `, an action as `ID status due`."""
    if isinstance(value, list):
        return "; ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return " ".join(str(value[k]) for k in ("id", "status", "due") if k in value)
    return "" if value is None else str(value)


def record_row(register: Register, record: Record) -> dict[str, Any]:
    """One record as plain data: its fields, where it lives, and its history."""
    fields = {k: _plain(v) for k, v in record.doc.model_dump(exclude_none=True).items() if v != []}
    revisions = register.history.of(record.source.rel)
    row: dict[str, Any] = {
        "kind": record.kind.value,
        "id": record.id,
        "path": f"{register.display_dir}/{record.source.rel}",
        "sha256": record.source.sha256,
        **{k: v for k, v in fields.items() if k not in ("kind", "id")},
        "placeholder": record.source.placeholder,
        "counts_as_done": record.done,
        "created": revisions[-1].date.isoformat() if revisions else None,
        "last_changed": revisions[0].date.isoformat() if revisions else None,
        "history": [
            {"commit": r.commit, "date": r.date.isoformat(), "author": r.author, "message": r.message}
            for r in revisions
        ],
    }
    approver = record.doc.approved_by
    approval = register.history.approval(record.source.rel, register.named(approver)) if approver else None
    if approval is not None:
        row["approval"] = {
            "commit": approval.revision.commit,
            "author": approval.revision.author,
            "date": approval.revision.date.isoformat(),
            "attested": approval.attested_by or "declared",
            "first": approval.first,
        }
    if record.attachment is not None:
        row["file_sha256"] = record.attachment.sha256
        row["file_size"] = record.attachment.size
    return row


def _rows(register: Register) -> list[dict[str, Any]]:
    order = {kind: index for index, kind in enumerate(Kind)}
    records = sorted(register.records, key=lambda r: (order[r.kind], r.id))
    scores = {row.record.id: row for row in risk_register(register)}
    rows = []
    for record in records:
        row = record_row(register, record)
        risk = scores.get(record.id)
        if risk is not None:
            # The ratings as the organisation's risk criteria give them (risk_criteria.yaml).
            row |= {
                "inherent_score": risk.inherent,
                "inherent_rating": risk.inherent_band.name,
                "residual_score": risk.residual,
                "residual_rating": risk.residual_band.name,
                "above_appetite": risk.above_appetite,
            }
        rows.append(row)
    return rows


#: The version of the JSON export's layout: it changes only with a migration note.
EXPORT_SCHEMA_VERSION = "1"


def register_json(register: Register, today: dt.date | None = None) -> str:
    data: dict[str, Any] = {
        "schema_version": EXPORT_SCHEMA_VERSION,
        "framework": register.catalog.id,
        "history": register.history.notice or "complete",
        "records": _rows(register),
    }
    if register.people and register.show_names:
        day = today or dt.date.today()
        data["people_as_of"] = day.isoformat()
        data["people"] = [_person(row) for row in _people(register, day)]
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


FIRST_COLUMNS = (
    "kind",
    "id",
    "title",
    "status",
    "owner",
    "version",
    "approved_by",
    "approved_on",
    "next_review",
    "classification",
    "path",
    "sha256",
    "created",
    "last_changed",
)


def register_columns() -> list[str]:
    """The CSV header: the common columns, then each kind's own fields in registry order.

    Fixed by the kind registry, not by the content, so a spreadsheet's columns
    stay where they are when a document gains a field.
    """
    own = [name for spec in SPECS for name in spec.own_fields]
    common = [name for name in Document.model_fields if name not in ("kind", "id")]
    extra = dict.fromkeys(name for name in [*common, *own] if name not in FIRST_COLUMNS)
    scores = ["inherent_score", "inherent_rating", "residual_score", "residual_rating", "above_appetite"]
    return [*FIRST_COLUMNS, *extra, *scores, "placeholder", "counts_as_done", "file_sha256", "file_size", "revisions"]


def register_csv(register: Register) -> str:
    rows = _rows(register)
    columns = register_columns()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        row = {**row, "revisions": len(row["history"])}
        writer.writerow([_cell(row.get(c)) for c in columns])
    return out.getvalue()


# -- people: one row per person (never in an export for the public) ---------------------

PEOPLE_COLUMNS = (
    "id",
    "name",
    "email",
    "team",
    "joined",
    "roles",
    "to_acknowledge",
    "acknowledged",
    "acknowledgements_overdue",
    "missing_acknowledgements",
    "competences_required",
    "competences_current",
    "missing_competences",
)


def _people(register: Register, today: dt.date) -> list[PersonRow]:
    roles = role_rows(register, today)
    return person_rows(register, roles, acknowledgement_rows(register, today))


def _person(row: PersonRow) -> dict[str, Any]:
    p = row.person
    return _plain(
        {
            "id": p.id,
            "name": p.name,
            "email": p.email or None,
            "team": p.team or None,
            "joined": p.joined,
            "defined_in": f"{p.display}:{p.line}",
            "roles": row.roles,
            "acknowledgements": [
                {
                    "document": ack.record.id,
                    "version": ack.version,
                    "acknowledged": {"version": mine.version, "date": mine.date} if mine else None,
                    "overdue": overdue,
                }
                for ack, mine, overdue in row.reading
            ],
            "competences": [
                {
                    "role": role,
                    "competence": competence,
                    "current": held.current,
                    "training": held.training.id if held.training else None,
                    "until": held.until,
                }
                for role, competence, held in row.competences
            ],
        }
    )


def people_csv(register: Register, today: dt.date | None = None) -> str:
    """One row per person, in ID order, with fixed columns (empty when there is no people register)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(PEOPLE_COLUMNS)
    if not register.show_names:
        return out.getvalue()
    for row in _people(register, today or dt.date.today()):
        p = row.person
        missing = [f"{a.record.id} {a.version}" for a, mine, _ in row.reading if mine is None]
        lacking = sorted({c for _, c, held in row.competences if not held.current})
        writer.writerow(
            [
                p.id,
                p.name,
                p.email,
                p.team,
                p.joined.isoformat() if p.joined else "",
                "; ".join(row.roles),
                len(row.reading),
                sum(1 for _, mine, _ in row.reading if mine is not None),
                sum(1 for *_, overdue in row.reading if overdue),
                "; ".join(missing),
                len({c for _, c, _ in row.competences}),
                len({c for _, c, held in row.competences if held.current}),
                "; ".join(lacking),
            ]
        )
    return out.getvalue()


# -- the Statement of Applicability beside its page --------------------------------

SOA_COLUMNS = (
    "control",
    "title",
    "group",
    "applicable",
    "justification",
    "inclusion_basis",
    "implementation",
    "implemented",
    "due",
    "evidenced",
    "write_up_status",
    "organisation_defined",
    "owner",
    "policies",
    "risks",
    "evidence",
)


def _soa_record(row: SoaRow) -> dict[str, Any]:
    return {
        "control": row.control,
        "title": row.title,
        "group": row.group,
        "applicable": row.applicable,
        "justification": row.justification,
        "inclusion_basis": [b.value for b in row.inclusion_basis],
        "implementation": row.implementation.value if row.implementation else None,
        "implemented": row.implemented,
        "due": row.due.isoformat() if row.due else None,
        "evidenced": row.evidenced,
        "write_up_status": row.standing.value if row.standing else None,
        "organisation_defined": row.organisation_defined,
        "owner": row.owner,
        "policies": [r.id for r in row.policies],
        "risks": [r.id for r in row.risks],
        "evidence": [r.id for r in row.evidence],
    }


def soa_csv(rows: list[SoaRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(SOA_COLUMNS)
    for row in rows:
        record = _soa_record(row)
        writer.writerow(
            [
                "; ".join(v)
                if isinstance(v, list)
                else ("" if v is None else str(v).lower() if isinstance(v, bool) else v)
                for v in (record[c] for c in SOA_COLUMNS)
            ]
        )
    return out.getvalue()


def soa_json(rows: list[SoaRow], organisation: str, scope: str, audience: str, statement: Record | None = None) -> str:
    """The SoA with its document control (from its record; null when it has none)."""
    control = None
    if statement is not None:
        doc = statement.doc
        control = {
            "id": statement.id,
            "version": doc.version,
            "status": statement.standing.value,
            "owner": doc.owner,
            "approved_by": doc.approved_by,
            "approved_on": doc.approved_on.isoformat() if doc.approved_on else None,
            "next_review": doc.next_review.isoformat() if doc.next_review else None,
        }
    data = {
        "organisation": organisation,
        "scope": scope,
        "audience": audience,
        "document_control": control,
        "controls": [_soa_record(row) for row in rows],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
