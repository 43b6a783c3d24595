"""Rules about people: roles and their holders, competence, acknowledgements, and names.

Acknowledgement rows are checked by their distinct values (people, document
versions, dates), and only rows with a bad value are looked at one by one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from ..model import Kind, Role, Training, name_fields
from ..model.kinds import Acknowledged
from ..model.people import ACKNOWLEDGEMENTS_FOLDER, OWN_FILE, issued, version_key
from ..register.findings import Finding, did_you_mean, error, plural, warning
from ..register.people import AckFile
from ..register.records import Register
from ..reports.people import acknowledgement_rows, role_rows


def check_people_references(register: Register, today: dt.date) -> Iterator[Finding]:
    """Holders and attendees name people of the register; people's roles name role records."""
    people = register.people
    roles = {r.id for r in register.of_kind(Kind.role)}
    ids = list(people.persons)
    for record in register.records:
        doc, src = record.doc, record.source
        key = "holders" if isinstance(doc, Role) else "attendees" if isinstance(doc, Training) else None
        if key is None:
            continue
        for index, person in enumerate(getattr(doc, key)):
            if person in people.persons or person in people.broken:
                continue
            line = src.line_of(key, index)
            if index >= len(src.item_lines.get(key, [])) and "attendees_file" in src.lines:
                continue  # from the attendance file: located there by the loader
            where = "is not in the people register" if people else "names no one: the AIMS has no people register"
            yield error(src.display, line, "AIMS010", f"{key}: '{person}' {where}{did_you_mean(person, ids)}")
    for person in people.persons.values():
        for role in person.roles:
            if role not in roles and role not in register.broken_ids:
                yield error(
                    person.display,
                    person.line,
                    "AIMS010",
                    f"column 'roles': {person.id} holds '{role}', but no role has that ID"
                    + did_you_mean(role, sorted(roles)),
                )


def check_roles(register: Register, today: dt.date) -> Iterator[Finding]:
    """A role nobody holds, and holders without a current training record for a required competence."""
    for row in role_rows(register, today):
        src = row.record.source
        if not row.holders:
            yield warning(
                src.display,
                src.line_of("holders") if "holders" in src.lines else src.line_of("id"),
                "AIMS046",
                f"role {row.record.id} ({row.record.doc.title}) has no holders",
            )
            continue
        for person, competence, held in row.gaps:
            index = row.competences.index(competence)
            if held.training is None:
                why = "no training record gives it"
            else:
                why = f"{held.training.id} gave it, but it expired on {held.until}"
            yield warning(
                src.display,
                src.line_of("competences", index),
                "AIMS047",
                f"{person.id} ({person.name}) holds {row.record.id} but lacks '{competence}': {why}",
            )


def check_acknowledgements(register: Register, today: dt.date) -> Iterator[Finding]:
    """Every row names a person of the register and an existing version of a policy or procedure."""
    people = register.people
    documents = {
        r.id: r for r in register.records if isinstance(r.doc, Acknowledged) and r.id not in register.broken_ids
    }
    for ack in people.ack_files:
        yield from _ack_rows(register, ack, documents, today)


def _ack_rows(register: Register, ack: AckFile, documents: dict, today: dt.date) -> Iterator[Finding]:
    people = register.people
    ids = list(people.persons)

    def rows_with(values: tuple[str, ...], bad: set[str]) -> Iterator[tuple[int, str]]:
        return ((i, v) for i, v in enumerate(values) if v in bad)

    unknown = set(ack.persons) - people.persons.keys() - people.broken
    for i, person in rows_with(ack.persons, unknown) if unknown else ():
        yield error(
            ack.display,
            ack.lines[i],
            "AIMS045",
            f"column 'person': '{person}' is not in the people register{did_you_mean(person, ids)}",
        )
    names = sorted(documents)
    problems: dict[tuple[str, str], str] = {}
    for document, version in ack.distinct_pairs:
        record = documents.get(document)
        if record is None:
            if document in register.broken_ids:
                continue
            other = register.by_id.get(document)
            what = (
                f"'{document}' is a {other.kind.value}, not a policy or procedure"
                if other
                else f"no policy or procedure has the ID '{document}'{did_you_mean(document, names)}"
            )
            problems[(document, version)] = f"column 'document': {what}"
            continue
        current = record.doc.version
        if version_key(version) is None:
            problems[(document, version)] = (
                f"column 'version': '{version}' is not a version "
                f"(write it as the document does, e.g. {current or '1.0'})"
            )
        elif not issued(version, current):
            problems[(document, version)] = (
                f"column 'version': {document} has no version {version} "
                f"(its current version is {current or 'not given'})"
            )
    if problems:
        for i, pair in enumerate(zip(ack.documents, ack.versions, strict=True)):
            if pair in problems:
                yield error(ack.display, ack.lines[i], "AIMS045", problems[pair])
    later = {day for day in ack.distinct_dates if day > today}
    for i, day in enumerate(ack.dates) if later else ():
        if day in later:
            yield warning(
                ack.display, ack.lines[i], "AIMS039", f"date {day} is after today ({today}): it cannot count yet"
            )


def check_acknowledgement_rates(register: Register, today: dt.date) -> Iterator[Finding]:
    """Below the target share of acknowledgements of a document's current version, once they are due."""
    target = register.acknowledgement_target
    for row in acknowledgement_rows(register, today):
        src = row.record.source
        line = src.line_of("acknowledge_by")
        if not row.required:
            yield warning(src.display, line, "AIMS046", f"no one holds the roles that must acknowledge {row.record.id}")
            continue
        if row.due is None or row.due >= today or row.due_percent is None or row.due_percent >= target:
            continue
        yield warning(
            src.display,
            line,
            "AIMS048",
            f"{len(row.acknowledged)} / {row.due_count} of the people due have acknowledged version {row.version} "
            f"({row.due_percent:.1f} %, target {target:g} %); {plural(len(row.overdue), 'acknowledgement')} overdue "
            f"since {row.due}",
        )


def check_names(register: Register, today: dt.date) -> Iterator[Finding]:
    """Where there is a people register, every owner, approver and other name is in it (or names a role)."""
    people = register.people
    if not people:
        return
    roles = {r.id: r.doc.title for r in register.of_kind(Kind.role)}
    known = {title.casefold() for title in roles.values()} | set(roles)
    choices = people.names() + list(roles.values())
    for record in register.records:
        doc, src = record.doc, record.source
        for key in name_fields(type(doc)):
            if key in ("holders", "attendees"):
                continue  # IDs: checked as references
            if key == "auditor" and getattr(doc, "audit_type", None) == "external":
                continue  # an external auditor is not staff
            value = getattr(doc, key)
            for index, name in enumerate(value if isinstance(value, list) else [value]):
                if not name or people.find(name) or name in known or name.casefold() in known:
                    continue
                line = src.line_of(key, index if isinstance(value, list) else None)
                yield warning(
                    src.display,
                    line,
                    "AIMS049",
                    f"{key}: '{name}' is in no people register and names no role{did_you_mean(name, choices)}",
                )
        for index, action in enumerate(getattr(doc, "actions", None) or []):
            if action.owner and not (people.find(action.owner) or action.owner.casefold() in known):
                yield warning(
                    src.display,
                    src.line_of("actions", index),
                    "AIMS049",
                    f"actions[{index}].owner: '{action.owner}' is in no people register and names no role"
                    + did_you_mean(action.owner, choices),
                )


def check_acknowledgement_committers(register: Register, today: dt.date) -> Iterator[Finding]:
    """With `acknowledgements_by_committer`: a row of the file `aims acknowledge` writes must be
    committed by the person it names (their e-mail in the people register is the commit's author)."""
    if not register.committed_acknowledgements:
        return
    people = register.people
    own = f"/{ACKNOWLEDGEMENTS_FOLDER}/{OWN_FILE}"
    for ack in people.ack_files:
        if not ack.display.endswith(own):
            continue
        for person, line in zip(ack.persons, ack.lines, strict=True):
            who = people.persons.get(person)
            author = people.committers.get(line)
            if who is None or author is None:
                continue  # unknown people are reported already; an uncommitted row is checked once committed
            if not who.email:
                message = f"{person} has no e-mail in the people register: the commit cannot be matched to them"
            elif author.casefold() != who.email.casefold():
                message = f"the row acknowledging for {person} ({who.email}) was committed by {author}"
            else:
                continue
            yield warning(ack.display, line, "AIMS050", message)


PEOPLE_RULES = (
    check_people_references,
    check_roles,
    check_acknowledgements,
    check_acknowledgement_rates,
    check_names,
    check_acknowledgement_committers,
)
