"""OSCAL 1.1.3 documents of the AIMS: each catalogue as a catalog, the Statement of Applicability
as a profile (the applicable controls), and the AIMS as a system security plan.

Deterministic: UUIDs are derived (UUID 5): an object's from the ID it stands for (it keeps it from
revision to revision), a document's from what it is and the source commit (each revision its own);
lists keep the catalogue's and the register's order, and the time stamp is the source commit's
(or SOURCE_DATE_EPOCH). An ISO/IEC 42001 catalog carries ISO's IDs and short titles with this
tool's own one-line paraphrases, never the standard's text, and says so.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..catalog import DEFAULT_FRAMEWORK, Catalog, Requirement
from ..model import Implementation, Kind
from ..register.records import Record
from ..reports.bundle import Reports
from ..reports.frameworks import FrameworkCoverage
from ..reports.soa import SoaRow

OSCAL_VERSION = "1.1.3"
#: The namespace of every UUID this tool derives (a constant: the same input gives the same UUID).
NAMESPACE = uuid.UUID("6f1c2a4e-9d0b-5c7e-8a41-2b3d4e5f6a70")
#: Properties of our own are in our namespace (OSCAL's are the default one).
NS = "https://pypi.org/project/aims-as-code/ns/oscal"
_TOKEN = re.compile(r"^[^\W\d][\w.\-]*$")

PARAPHRASE_NOTE = (
    "IDs and short titles are ISO's; each statement is a one-line paraphrase written for this tool, "
    "not text of the standard. The standard's own text is available from ISO under licence."
)


@dataclass(frozen=True)
class Stamp:
    """What every document of one export shares: the source commit and its time."""

    commit: str
    when: dt.datetime

    def uuid(self, *parts: str) -> str:
        """An object's UUID, from what it stands for: the same object keeps it from revision to revision."""
        return str(uuid.uuid5(NAMESPACE, "/".join(parts)))

    def document_uuid(self, *parts: str) -> str:
        """A document's UUID, from what it is and the source commit: each revision of it has its own."""
        return str(uuid.uuid5(NAMESPACE, "/".join((self.commit or "working-tree", *parts))))

    @property
    def time(self) -> str:
        return self.when.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def token(key: str) -> str:
    """An OSCAL token for an ID: the ID itself when it is one (A.6.2.4, GOVERN-1.1), else prefixed (4.1 -> c-4.1)."""
    clean = re.sub(r"[^\w.\-]", "-", key)
    return clean if _TOKEN.match(clean) else f"c-{clean}"


def _metadata(title: str, stamp: Stamp, version: str, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": title,
        "last-modified": stamp.time,
        "version": version,
        "oscal-version": OSCAL_VERSION,
    }
    data.update({key.replace("_", "-"): value for key, value in extra.items() if value})
    return data


def _label(key: str) -> dict[str, str]:
    return {"name": "label", "value": key}


# -- catalog -------------------------------------------------------------------------------


def catalog_document(catalog: Catalog, stamp: Stamp, own_controls: Iterable[SoaRow] = ()) -> dict[str, Any]:
    """A catalogue as an OSCAL catalog; with `own_controls`, the organisation's own controls as a group of it."""
    children: dict[str | None, list[Requirement]] = {}
    for req in catalog.requirements.values():
        children.setdefault(req.parent, []).append(req)

    def node(req: Requirement, as_control: bool = False) -> dict[str, Any]:
        # A requirement with children is a group, unless its siblings mix leaves and containers:
        # then all of them are controls, containers holding their children as nested controls
        # (OSCAL peers such as compliance-trestle read a group's children as all groups or all controls).
        kids = children.get(req.id, [])
        item: dict[str, Any] = {"id": token(req.id), "class": req.type, "title": req.title, "props": [_label(req.id)]}
        if req.intent:
            item["parts"] = [{"id": f"{token(req.id)}_smt", "name": "statement", "prose": req.intent}]
        if not kids:
            return item
        if as_control or not all(children.get(k.id) for k in kids):
            item["controls"] = [node(k, as_control=True) for k in kids]
        else:
            item["groups"] = [node(k) for k in kids]
        return item

    top = [node(req) for req in children.get(None, [])]
    groups = [g for g in top if "controls" in g or "groups" in g]
    loose = [g for g in top if "controls" not in g and "groups" not in g]
    own = [row for row in own_controls if row.organisation_defined]
    if own:
        groups.append(
            {
                "id": "organisation-defined",
                "class": "organisation-defined",
                "title": "Controls the organisation defines beyond the catalogue",
                "controls": [
                    {"id": token(row.control), "class": "control", "title": row.title, "props": [_label(row.control)]}
                    for row in own
                ],
            }
        )
    body: dict[str, Any] = {"uuid": stamp.document_uuid("catalog", catalog.id)}
    remarks = (
        PARAPHRASE_NOTE
        if catalog.id == DEFAULT_FRAMEWORK
        else ("Titles and statements are this tool's short paraphrases; the IDs are the publisher's.")
    )
    body["metadata"] = _metadata(
        catalog.title,
        stamp,
        stamp.commit[:12] or "working-tree",
        props=[{"name": "source", "ns": NS, "value": catalog.source or catalog.title}],
        remarks=remarks,
    )
    if groups:
        body["groups"] = groups
    if loose:
        body["controls"] = loose
    return {"catalog": body}


# -- profile (the SoA) ---------------------------------------------------------------------


def profile_document(reports: Reports, stamp: Stamp, organisation: str) -> dict[str, Any]:
    """The Statement of Applicability as an OSCAL profile: it selects the applicable controls."""
    rows = reports.soa
    chosen = [token(row.control) for row in rows if row.in_scope]
    excluded = [row for row in rows if row.excluded]
    statement = reports.readiness.statement
    version = (statement.doc.version if statement else None) or stamp.commit[:12] or "working-tree"
    catalog_id = reports.view.catalog.id
    return {
        "profile": {
            "uuid": stamp.document_uuid("profile", catalog_id),
            "metadata": _metadata(
                f"{organisation or 'AIMS'}: Statement of Applicability ({reports.view.catalog.title})",
                stamp,
                version,
                remarks=(
                    f"{len(chosen)} of {len(rows)} controls apply. Excluded, with the justification: "
                    + "; ".join(f"{row.control}: {row.justification or 'no justification'}" for row in excluded)
                    if excluded
                    else f"All {len(rows)} controls apply."
                ),
            ),
            "imports": [
                {
                    "href": f"#{stamp.uuid('resource', 'catalog', catalog_id)}",
                    "include-controls": [{"with-ids": chosen}] if chosen else [],
                }
            ],
            "merge": {"as-is": True},
            "back-matter": {
                "resources": [
                    {
                        "uuid": stamp.uuid("resource", "catalog", catalog_id),
                        "title": reports.view.catalog.title,
                        "rlinks": [
                            {"href": f"{catalog_id}-catalog.json", "media-type": "application/oscal.catalog+json"}
                        ],
                    }
                ]
            },
        }
    }


# -- system security plan ------------------------------------------------------------------

_STATES = {
    Implementation.implemented: "implemented",
    Implementation.in_progress: "partial",
    Implementation.not_started: "planned",
}
_FRAMEWORK_STATES = {
    "evidenced": "implemented",
    "implemented": "implemented",
    "covered": "partial",
    "gap": "planned",
    "not_applicable": "not-applicable",
}


def ssp_document(
    reports: Reports, stamp: Stamp, organisation: str, scope: str, framework: FrameworkCoverage | None = None
) -> dict[str, Any]:
    """The AIMS as an OSCAL system security plan: one system (the AIMS's scope) and a requirement per
    control, with its implementation status, who answers for it, its documents and its evidence."""
    view = reports.view
    name = organisation or "AIMS"
    catalog = framework.catalog if framework else view.catalog
    roles = view.of_kind(Kind.role)
    role_ids = {r.doc.title.casefold(): token(r.id).lower() for r in roles}
    parties: dict[str, str] = {}

    def responsible(owner: str | None) -> list[dict[str, Any]]:
        if not owner:
            return []
        if owner.casefold() in role_ids:
            return [{"role-id": role_ids[owner.casefold()]}]
        party = parties.setdefault(owner, stamp.uuid("party", owner))
        return [{"role-id": "control-owner", "party-uuids": [party]}]

    documents = [r for r in view.records if r.kind in (Kind.policy, Kind.procedure)]
    component = {r.id: stamp.uuid("component", r.id) for r in documents}
    resources: dict[str, dict[str, Any]] = {}

    def evidence_link(record: Record) -> dict[str, str]:
        key = stamp.uuid("resource", "evidence", record.id)
        if key not in resources:
            item: dict[str, Any] = {"uuid": key, "title": f"{record.id} {record.doc.title}"}
            if record.attachment is not None:
                rlink: dict[str, Any] = {"href": f"{view.display_dir}/{record.attachment.rel}"}
                rlink["hashes"] = [{"algorithm": "SHA-256", "value": record.attachment.sha256}]
                item["rlinks"] = [rlink]
            elif getattr(record.doc, "url", None):
                item["rlinks"] = [{"href": record.doc.url}]  # type: ignore[attr-defined]
            item["props"] = [{"name": "type", "value": "evidence", "ns": NS}]
            resources[key] = item
        return {"href": f"#{key}", "rel": "evidence"}

    def by_components(records: Iterable[Record], state: str) -> list[dict[str, Any]]:
        return [
            {
                "component-uuid": component[r.id],
                "uuid": stamp.uuid("by-component", r.id, state),
                "description": f"Implemented through {r.id} {r.doc.title}.",
                "implementation-status": {"state": state},
            }
            for r in records
            if r.id in component
        ]

    requirements = []
    if framework is None:
        for row in reports.soa:
            if row.withheld:
                continue
            state = "not-applicable" if row.excluded else _STATES[row.implementation or Implementation.not_started]
            if state == "implemented" and not row.implemented:
                state = "partial"  # claimed, but its write-up is not approved yet: never counted as done
            item: dict[str, Any] = {
                "uuid": stamp.uuid("requirement", row.control),
                "control-id": token(row.control),
                "props": [
                    {"name": "implementation-status", "value": state},
                    {"name": "evidenced", "ns": NS, "value": "yes" if row.evidenced else "no"},
                ],
            }
            links = [evidence_link(r) for r in row.evidence]
            if links:
                item["links"] = links
            if row.justification:
                item["remarks"] = row.justification
            roles_ = responsible(row.owner)
            if roles_:
                item["responsible-roles"] = roles_
            parts = by_components(row.policies, state)
            if parts:
                item["by-components"] = parts
            requirements.append(item)
    else:
        for frow in framework.rows:
            state = _FRAMEWORK_STATES[frow.state]
            item = {
                "uuid": stamp.uuid("requirement", catalog.id, frow.requirement.id),
                "control-id": token(frow.requirement.id),
                "props": [{"name": "implementation-status", "value": state}],
            }
            if frow.not_applicable:
                item["remarks"] = frow.not_applicable
            evidence = list({e.id: e for row in frow.controls for e in row.evidence}.values())
            if evidence:
                item["links"] = [evidence_link(r) for r in evidence]
            parts = by_components([d for d in frow.documents if d.id in component], state)
            if parts:
                item["by-components"] = parts
            requirements.append(item)

    metadata_roles = [{"id": "control-owner", "title": "Control owner"}]
    metadata_roles += [{"id": role_ids[r.doc.title.casefold()], "title": r.doc.title} for r in roles]
    metadata_parties = [{"uuid": stamp.uuid("party", "organisation"), "type": "organization", "name": name}]
    metadata_parties += [{"uuid": key, "type": "person", "name": owner} for owner, key in parties.items()]
    statement = reports.readiness.statement
    version = (statement.doc.version if statement else None) or stamp.commit[:12] or "working-tree"
    components = [
        {
            "uuid": stamp.uuid("component", "this-system"),
            "type": "this-system",
            "title": f"{name} AI management system",
            "description": scope or f"The AI management system of {name}.",
            "status": {"state": "operational"},
        }
    ]
    components += [
        {
            "uuid": component[r.id],
            "type": "policy" if r.kind == Kind.policy else "process-procedure",
            "title": f"{r.id} {r.doc.title}",
            "description": f"{r.kind.value.replace('_', ' ').capitalize()} {r.id}, version {r.doc.version or '-'}.",
            "status": {"state": "operational" if r.done else "under-development"},
            "props": [{"name": "version", "value": r.doc.version or "-", "ns": NS}],
        }
        for r in documents
    ]
    body: dict[str, Any] = {
        "uuid": stamp.document_uuid("ssp", catalog.id),
        "metadata": _metadata(
            f"{name}: AI management system plan ({catalog.title})",
            stamp,
            version,
            roles=metadata_roles,
            parties=metadata_parties,
        ),
        "import-profile": {"href": f"{catalog.id}-profile.json"},
        "system-characteristics": {
            "system-ids": [{"identifier-type": f"{NS}/system-id", "id": f"aims-{token(name).lower()}"}],
            "system-name": f"{name} AI management system",
            "description": scope or f"The AI management system of {name} (ISO/IEC 42001).",
            "system-information": {
                "information-types": [
                    {
                        "uuid": stamp.uuid("information-type", "aims"),
                        "title": "AI management system records",
                        "description": "Policies, procedures, risks, AI systems and evidence of the AIMS.",
                    }
                ]
            },
            "status": {"state": "operational"},
            "authorization-boundary": {"description": scope or "The scope of the AI management system (clause 4.3)."},
        },
        "system-implementation": {
            "users": [
                {
                    "uuid": stamp.uuid("user", "staff"),
                    "title": "Staff",
                    "description": "Everyone in the AIMS's scope.",
                }
            ],
            "components": components,
        },
        "control-implementation": {
            "description": (
                f"One requirement per control of {catalog.title}: its implementation status, who answers "
                "for it, the documents that implement it and the evidence, with SHA-256."
            ),
            "implemented-requirements": requirements,
        },
    }
    if resources:
        body["back-matter"] = {"resources": list(resources.values())}
    return {"system-security-plan": body}


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
