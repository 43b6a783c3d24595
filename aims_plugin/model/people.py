"""The people register and acknowledgements: the rows organisations export from HR and LMS systems.

A person is a row of `people/*.csv` or the front matter of `people/*.md`, one
`PersonEntry` either way; an acknowledgement is a row of
`acknowledgements/*.csv`. They are data about staff, not controlled
documents: they have no pages, and a build for the public shows none of them.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, NotRequired

from pydantic import BeforeValidator, ConfigDict, Field, TypeAdapter
from typing_extensions import TypedDict

from .fields import Date, Id, Text

#: Folders of the people register and of acknowledgements, under the content folder.
PEOPLE_FOLDER = "people"
ACKNOWLEDGEMENTS_FOLDER = "acknowledgements"

#: The columns of an acknowledgements CSV file, in the order `aims acknowledge` writes them.
ACK_COLUMNS = ("person", "document", "version", "date")
ACK_COLUMN_HELP = {
    "person": "ID of the person (from the people register)",
    "document": "ID of the policy or procedure acknowledged",
    "version": "the version acknowledged, as the document's `version` gives it",
    "date": "when, as YYYY-MM-DD",
}


def _role_list(value: Any) -> Any:
    # A CSV cell lists roles separated by `;`; front matter may give a list or one ID.
    if isinstance(value, str):
        return [part.strip() for part in value.split(";") if part.strip()]
    return value


class PersonEntry(TypedDict):
    """One person of the people register."""

    __pydantic_config__ = ConfigDict(extra="forbid", str_strip_whitespace=True)  # type: ignore[misc]

    id: Annotated[Id, Field(description="Unique among people; what roles, training and acknowledgements name.")]
    name: Annotated[Text, Field(description="Full name, as owners and approvers write it.")]
    email: NotRequired[
        Annotated[
            str,
            Field(pattern=r"^[^@\s]+@[^@\s]+$", description="Work e-mail; matches the person's git commits."),
        ]
    ]
    roles: NotRequired[
        Annotated[list[Id], BeforeValidator(_role_list), Field(description="Role IDs, separated by `;` in CSV.")]
    ]
    team: NotRequired[Annotated[Text, Field(description="Team or department.")]]
    joined: NotRequired[
        Annotated[Date, Field(description="Start date: acknowledgements are due a grace period after it.")]
    ]


PERSON_COLUMNS = tuple(PersonEntry.__annotations__)
PERSON_ROWS: TypeAdapter[list[PersonEntry]] = TypeAdapter(list[PersonEntry])
PERSON: TypeAdapter[PersonEntry] = TypeAdapter(PersonEntry)

_VERSION = re.compile(r"^\d+(\.\d+)*$")


def version_key(version: str) -> tuple[int, ...] | None:
    """`2.1` -> (2, 1); None for a version that is not dotted numbers."""
    return tuple(int(part) for part in version.split(".")) if _VERSION.match(version) else None


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
