"""What a record's panel and related list show: one generic path for every kind, driven by its spec."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping

from ..model import KIND_TITLES, Document, Kind, Ref, ref_fields, spec_of
from ..register.links import Links
from ..register.records import Record

#: Fields the panel shows in its own table (`satisfies` is listed with the kind's fields).
COMMON_FIELDS = frozenset(Document.model_fields) | {"title", "body"}
#: Fields shown in tables of their own (actions; measured results; a role's holders; a training's attendees
#: are counted in its register), not as facts.
OWN_TABLES = frozenset({"actions", "expectations"})
#: Fields of one kind shown elsewhere: a role's holders in its holders table, a training record's
#: attendees as a count in its register.
KIND_TABLES = {"role": frozenset({"holders"}), "training": frozenset({"attendees"})}

Facts = list[tuple[str, list[tuple[str, str | None]]]]


def document_facts(
    record: Record,
    catalogue_ids: Mapping[str, object],
    href: Callable[[str], str | None],
    label: Callable[[str], str],
    *,
    with_topic: bool = True,
    withheld: Collection[str] = (),
) -> Facts:
    """The kind's own fields as (label, [(text, href)]) rows.

    A reference to a record hidden from the audience (in `withheld`) reads "restricted": its ID
    is not shown, and nothing claims the field is empty. Without
    `with_topic`, the field naming the control or clause a write-up is about is left out too
    (for the pack, whose heading already names it).
    """
    doc = record.doc
    spec = spec_of(record.kind)
    refs: dict[str, Ref] = ref_fields(type(doc))
    fields = type(doc).model_fields
    rows = []
    for name, field in fields.items():
        if name in COMMON_FIELDS - {"satisfies"} or name in OWN_TABLES or name in KIND_TABLES.get(spec.name, ()):
            continue
        if not with_topic and name == spec.topic:
            continue
        value = getattr(doc, name)
        # An unset field, or a flag left off (`organisation_defined: false`), says nothing.
        if value is None or value == [] or (value is False and field.default is False):
            continue
        items: list[tuple[str, str | None]] = []
        for item in value if isinstance(value, list) else [value]:
            if name in refs:
                target = href(str(item))
                if target is None and str(item) not in catalogue_ids:
                    if str(item) in withheld and ("restricted", None) not in items:
                        items.append(("restricted", None))
                    continue
                items.append((f"{item} {label(str(item))}".strip(), target))
            else:
                items.append((plain_text(item), None))
        if items:
            rows.append((spec.label(name), items))
    return rows


def referenced_by(record: Record, links: Links) -> list[tuple[str, list[Record]]]:
    """Records that point at this one (or at its control or clause), grouped by kind."""
    incoming = list(links.incoming(record.id))
    key = record.topic
    if key != record.id:
        incoming += [r for r in links.incoming(key) if r not in incoming]
    groups: dict[Kind, list[Record]] = {}
    for other in incoming:
        if other is not record:
            groups.setdefault(other.kind, []).append(other)
    return [(f"Referenced by {KIND_TITLES[k]}", rs) for k, rs in groups.items()]


def plain_text(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(getattr(value, "value", value)).replace("_", " ") if hasattr(value, "value") else str(value)
