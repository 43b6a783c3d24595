"""One spec per document kind: every table that lists kinds is derived from here.

A kind's folder, titles, model, whether its records get pages of their own or
entries on a register page, its place in the site's navigation and in the
pack, its field labels and its export columns live in its `KindSpec` row.
Adding a kind is one model class in `kinds` and one row in `SPECS`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from . import kinds as k
from .fields import Document, Names, Ref


@dataclass(frozen=True)
class View:
    """A generated register view of a kind's records: a table shown before the records.

    `template` renders it on the site and in the pack; `rows` names the report
    (an attribute of `reports.bundle.Reports`) it shows; `page` is its own site
    page, or None when the view heads the kind's register pages.
    """

    template: str
    title: str
    rows: str
    page: str | None = None
    #: Place among the generated views in the site's navigation.
    nav: int = 0


@dataclass(frozen=True)
class KindSpec:
    name: str
    model: type[Document]
    #: Folder under the content directory, and folder of the kind's site pages.
    folder: str
    #: Heading of the kind's list, in navigation and pack ("Policies").
    title: str
    #: `page`: a site page per record; `register`: anchored entries on paginated register pages;
    #: `home`: one record, shown at the head of the generated page `home`.
    layout: Literal["page", "register", "home"] = "page"
    #: Site folder of the register pages (layout `register`).
    register_folder: str | None = None
    #: The field naming the catalogue entry a record writes up (its page is named after it).
    topic: str | None = None
    #: Catalogue entries of this type have a page each, written up or not.
    catalog_type: Literal["control", "subclause"] | None = None
    #: Pack anchor of a catalogue entry with no write-up ("{id}" is the entry's ID).
    catalog_anchor: str | None = None
    #: An overview page (`<folder>/index.md`) listing the records.
    index: bool = True
    view: View | None = None
    #: Place in the navigation's list of document kinds.
    nav: int = 0
    #: Place among the pack's sections, and the section's anchor.
    pack: int = 0
    pack_anchor: str = ""
    #: Pack contents list each record of the kind under its section.
    pack_contents: bool = False
    #: Keys accepted besides the model's fields (aliases its validators handle).
    extra_keys: frozenset[str] = frozenset()
    #: Labels of fields for which "first word capitalised" is wrong.
    labels: Mapping[str, str] = field(default_factory=dict)
    #: The body is the document: one with no text beyond headings is a placeholder.
    prose: bool = False
    #: The generated page that shows the kind's single record at its head, instead of a page of its own.
    home: str | None = None
    #: How `aims new` numbers a new record: the prefix of its ID (`{year}`: the current year).
    id_prefix: str = ""

    @property
    def section_title(self) -> str:
        return self.view.title if self.view else self.title

    @functools.cached_property
    def own_fields(self) -> tuple[str, ...]:
        """The fields this kind adds to the common ones, in model order (the export columns)."""
        return tuple(name for name in self.model.model_fields if name not in Document.model_fields)

    def label(self, name: str) -> str:
        return self.labels.get(name) or name.replace("_", " ").capitalize()


SPECS: tuple[KindSpec, ...] = (
    KindSpec(
        "policy",
        k.Policy,
        "policies",
        "Policies",
        nav=1,
        pack=1,
        pack_anchor="policies",
        id_prefix="POL-",
        pack_contents=True,
        prose=True,
    ),
    KindSpec(
        "procedure",
        k.Procedure,
        "procedures",
        "Procedures",
        nav=2,
        pack=2,
        pack_anchor="procedures",
        id_prefix="PRC-",
        pack_contents=True,
        prose=True,
    ),
    KindSpec(
        "control",
        k.Control,
        "controls",
        "Annex A controls",
        topic="control",
        catalog_type="control",
        catalog_anchor="soa-{id}",
        index=False,
        nav=3,
        pack=4,
        pack_anchor="controls",
        pack_contents=True,
        prose=True,
    ),
    KindSpec(
        "clause",
        k.Clause,
        "clauses",
        "Clauses",
        topic="clause",
        catalog_type="subclause",
        catalog_anchor="coverage-clause-{id}",
        index=False,
        nav=4,
        pack=3,
        pack_anchor="clauses",
        pack_contents=True,
        prose=True,
    ),
    KindSpec(
        "risk",
        k.Risk,
        "risks",
        "Risk register",
        layout="register",
        register_folder="risk-register",
        view=View("risks.html", "Risk register", rows="risks", nav=1),
        pack=5,
        pack_anchor="risks",
        id_prefix="RSK-",
    ),
    KindSpec(
        "system",
        k.System,
        "systems",
        "AI systems",
        index=False,
        view=View("inventory.html", "AI system inventory", rows="systems", page="ai-systems.md", nav=3),
        nav=5,
        pack=6,
        pack_anchor="systems",
        id_prefix="SYS-",
        extra_keys=frozenset({"name"}),
        labels={"eu_ai_act_category": "EU AI Act category", "eu_ai_act_roles": "EU AI Act roles"},
    ),
    KindSpec(
        "impact_assessment",
        k.ImpactAssessment,
        "assessments",
        "Impact assessments",
        nav=6,
        pack=7,
        pack_anchor="assessments",
        id_prefix="AIA-",
        prose=True,
    ),
    KindSpec(
        "evidence",
        k.Evidence,
        "evidence",
        "Evidence index",
        layout="register",
        register_folder="evidence-index",
        view=View("evidence.html", "Evidence index", rows="evidence", nav=2),
        pack=12,
        pack_anchor="evidence",
        id_prefix="EV-",
        labels={"url": "URL", "sha256": "SHA-256 at collection", "size": "Size at collection"},
    ),
    KindSpec(
        "incident",
        k.Incident,
        "incidents",
        "Incidents",
        nav=9,
        pack=11,
        pack_anchor="incidents",
        id_prefix="INC-{year}-",
    ),
    KindSpec("audit", k.Audit, "audits", "Audits", nav=7, pack=8, pack_anchor="audits", id_prefix="AUD-{year}-"),
    KindSpec(
        "management_review",
        k.ManagementReview,
        "reviews",
        "Management reviews",
        nav=8,
        pack=9,
        pack_anchor="reviews",
        id_prefix="MR-{year}-",
    ),
    KindSpec(
        "nonconformity",
        k.Nonconformity,
        "nonconformities",
        "Nonconformities",
        nav=10,
        pack=10,
        pack_anchor="nonconformities",
        id_prefix="NC-{year}-",
    ),
    KindSpec(
        "role",
        k.Role,
        "roles",
        "Roles",
        view=View("roles.html", "Roles and competence", rows="roles", page="roles-and-competence.md", nav=4),
        nav=11,
        pack=13,
        pack_anchor="roles",
        id_prefix="ROLE-",
        prose=True,
        labels={"reports_to": "Reports to"},
    ),
    KindSpec(
        "training",
        k.Training,
        "training",
        "Training records",
        layout="register",
        register_folder="training-records",
        view=View("training.html", "Training records", rows="training", nav=5),
        pack=14,
        pack_anchor="training",
        id_prefix="TRN-",
        labels={"valid_for": "Valid for", "attendees_file": "Attendance file"},
    ),
    KindSpec(
        "soa",
        k.Statement,
        "soa",
        "Statement of Applicability",
        layout="home",
        index=False,
        home="statement-of-applicability.md",
        pack_anchor="soa",
    ),
)

#: The kinds, in spec order (the order records are listed in).
Kind = StrEnum("Kind", [(spec.name, spec.name) for spec in SPECS])  # type: ignore[misc]

_BY_NAME: dict[str, KindSpec] = {spec.name: spec for spec in SPECS}


def spec_of(kind: str) -> KindSpec:
    return _BY_NAME[kind]


#: The folder under the content directory that gives a file its default kind.
FOLDER_KINDS: dict[str, Kind] = {spec.folder: Kind(spec.name) for spec in SPECS}
#: How each kind is named in headings and navigation.
KIND_TITLES: dict[Kind, str] = {Kind(spec.name): spec.title for spec in SPECS}
MODELS: dict[Kind, type[Document]] = {Kind(spec.name): spec.model for spec in SPECS}


def accepted_keys(kind: str) -> frozenset[str]:
    spec = _BY_NAME[kind]
    return frozenset(spec.model.model_fields) | spec.extra_keys


@functools.cache
def ref_fields(model: type[Document]) -> dict[str, Ref]:
    """The reference fields of a model and what they may name."""
    found = {}
    for name, info in model.model_fields.items():
        for meta in info.metadata:
            if isinstance(meta, Ref):
                found[name] = meta
    return found


@functools.cache
def name_fields(model: type[Any]) -> tuple[str, ...]:
    """The fields of a model (a kind's, or `Action`) whose values name people."""
    return tuple(
        name for name, info in model.model_fields.items() if any(isinstance(meta, Names) for meta in info.metadata)
    )


def kind_schema(kind: str) -> dict[str, Any]:
    """JSON Schema of one kind's front matter, with the rules of `aims check`: its fields and types,
    no other keys, and `id` required only where it is not derived (a write-up's ID is its topic's)."""
    spec = _BY_NAME[kind]
    schema = spec.model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"AIMS as code: front matter of a {kind} ({spec.folder}/)"
    required = [name for name in schema.get("required", []) if not (name == "id" and spec.topic)]
    if required:
        schema["required"] = required
    else:
        schema.pop("required", None)
    props = schema.setdefault("properties", {})
    props["kind"] = {"const": kind, "description": "The kind (the folder gives it)."}
    for extra in sorted(spec.extra_keys):
        props.setdefault(extra, {"type": "string", "description": f"Accepted for {kind}: read as another field."})
    schema["additionalProperties"] = False
    return schema


def front_matter_schema() -> dict[str, Any]:
    """JSON Schema of the front matter: one of the kinds' schemas (`kind_schema`); per kind is better in an
    editor, where the folder tells the kind."""
    defs: dict[str, Any] = {}
    variants = []
    for spec in SPECS:
        schema = kind_schema(spec.name)
        schema.pop("$schema", None)
        defs.update(schema.pop("$defs", {}))
        defs[f"kind-{spec.name}"] = schema
        variants.append({"$ref": f"#/$defs/kind-{spec.name}"})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "AIMS as code front matter (content contract v1)",
        "anyOf": variants,
        "$defs": defs,
    }
