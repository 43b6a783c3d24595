"""The people register and acknowledgements: the rows organisations export from HR and LMS systems.

A person is a row of `people/*.csv` or the front matter of `people/*.md`, one
`PersonEntry` either way; an acknowledgement is a row of
`acknowledgements/*.csv`. They are data about staff, not controlled
documents: they have no pages, and a build for the public shows none of them.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal, NotRequired, get_args, get_origin, get_type_hints

from pydantic import ConfigDict, Field, TypeAdapter
from typing_extensions import TypedDict

#: Folders of the people register and of acknowledgements, under the content folder.
PEOPLE_FOLDER = "people"
ACKNOWLEDGEMENTS_FOLDER = "acknowledgements"

#: The file `aims acknowledge` appends to (under the acknowledgements folder).
OWN_FILE = "acknowledgements.csv"

#: The columns of an acknowledgements CSV file, in the order `aims acknowledge` writes them.
ACK_COLUMNS = ("person", "document", "version", "date")
ACK_COLUMN_HELP = {
    "person": "ID of the person (from the people register)",
    "document": "ID of the policy or procedure acknowledged",
    "version": "the version acknowledged, as the document's `version` gives it",
    "date": "when, as YYYY-MM-DD",
}


#: Values are validated by pydantic-core alone (no Python validators): 10,000 CSV rows take milliseconds.
PersonId = Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
#: An optional CSV cell may be empty: "" means not given.
_EMAIL = r"^([^@\s,;]+@[^@\s,;]+)?$"


class PersonEntry(TypedDict):
    """One person of the people register."""

    __pydantic_config__ = ConfigDict(extra="ignore", str_strip_whitespace=True)  # type: ignore[misc]

    id: Annotated[PersonId, Field(description="Unique among people; what roles, training and acknowledgements name.")]
    name: Annotated[str, Field(min_length=1, description="Full name, as owners and approvers write it.")]
    email: NotRequired[
        Annotated[str, Field(pattern=_EMAIL, description="Work e-mail; matches the person's git commits.")]
    ]
    roles: NotRequired[Annotated[list[PersonId] | str, Field(description="Role IDs, separated by `;` in CSV.")]]
    team: NotRequired[Annotated[str, Field(description="Team or department.")]]
    joined: NotRequired[
        Annotated[
            Annotated[dt.date, Field(ge=dt.date(1900, 1, 1), le=dt.date(2999, 12, 31))] | Literal[""],
            Field(description="Start date: acknowledgements are due a grace period after it."),
        ]
    ]


def role_ids(value: list[str] | str) -> tuple[str, ...]:
    """A person's roles: a list, or a CSV cell of IDs separated by `;`."""
    if isinstance(value, str):
        if ";" not in value:
            return (value,) if value else ()
        return tuple(filter(None, map(str.strip, value.split(";"))))
    return tuple(value)


def role_column(values: list[str]) -> list[tuple[str, ...]]:
    """`role_ids` of each cell of a CSV column; a column of single roles (the usual export) in one pass."""
    if ";" in "".join(values):
        return list(map(role_ids, values))
    return [(value,) if value else () for value in values]


PERSON_COLUMNS = tuple(PersonEntry.__annotations__)
PERSON: TypeAdapter[PersonEntry] = TypeAdapter(PersonEntry)
#: A validator per column of a people CSV file, from `PersonEntry`'s own fields: a column of
#: 10,000 values is validated in one call to pydantic-core.
_HINTS = {
    name: get_args(hint)[0] if get_origin(hint) is NotRequired else hint
    for name, hint in get_type_hints(PersonEntry, include_extras=True).items()
}
PERSON_COLUMN_VALIDATORS: dict[str, TypeAdapter[list[object]]] = {
    name: TypeAdapter(list[hint], config=ConfigDict(str_strip_whitespace=True))  # type: ignore[valid-type]
    for name, hint in _HINTS.items()
}
#: The same rules for one cell: where a column has a bad cell, each cell is validated on its own.
PERSON_CELL_VALIDATORS: dict[str, TypeAdapter[object]] = {
    name: TypeAdapter(hint, config=ConfigDict(str_strip_whitespace=True)) for name, hint in _HINTS.items()
}

_VERSION = re.compile(r"^\d+(\.\d+)*$")


def version_key(version: str) -> tuple[int, ...] | None:
    """`2.1` -> (2, 1); None for a version that is not dotted numbers."""
    return tuple(int(part) for part in version.split(".")) if _VERSION.match(version) else None


def issued(version: str, current: str | None) -> bool:
    """A version a document has had: dotted numbers, no later than its current version."""
    key, now = version_key(version), version_key(current or "")
    return key is not None and now is not None and key <= now


def major(version: str) -> int | None:
    """The major number of a version (`2` for `2.1`): a new one needs fresh acknowledgements."""
    key = version_key(version)
    return key[0] if key else None


def parse_day(text: str) -> dt.date | None:
    """A YYYY-MM-DD date between 1900 and 2999, or None."""
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return None
    return day if len(text) == 10 and 1900 <= day.year <= 2999 else None
