"""The project's settings: one model, read by the MkDocs plugin's config and by the `aims` command.

Every key is declared here once, with its type, default and meaning; the
MkDocs config class is derived from it, and the command reads `mkdocs.yml`
through it, so no host reads a key that is not declared.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..model import Audience
from ..model.fields import Interval

#: A framework's ID: a shipped catalogue's, or one imported into the project's `frameworks/` folder.
Framework = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]


class Settings(BaseModel):
    """The `aims` plugin's options in mkdocs.yml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    content_dir: str = Field("content", description="Folder of the AIMS content, relative to mkdocs.yml.")
    audience: Audience = Field(Audience.internal, description="Who the site is for: public, internal or auditor.")
    organisation: str = Field("", description="The organisation's name, on the site and the pack's cover.")
    scope: str = Field("", description="The AIMS scope statement (clause 4.3).")
    nav_section: str = Field("AI management system", description="Title of the generated navigation section.")
    strict_checks: bool = Field(False, description="Count work-not-done warnings for `mkdocs build --strict` too.")
    page_size: Annotated[int, Field(ge=1)] = Field(200, description="Records per register page.")
    frameworks: list[Framework] = Field(
        default_factory=list,
        description="Other frameworks to show coverage of (nist-ai-rmf, eu-ai-act, or one imported into frameworks/).",
    )
    changes_since: str = Field(
        "", description="Add a page (and pack section) of changes since this tag, commit or date."
    )
    pdf: bool = Field(False, description="Build the documentation pack with the site.")
    pdf_filename: str = Field("aims-pack.pdf", description="File name of the pack in the site.")
    pdf_audience: Audience = Field(
        Audience.auditor,
        description="Audience of `aims pdf`; the pack in the site is never wider than the site's audience.",
    )
    pdf_page_size: Literal["a4", "letter"] = Field("a4", description="Paper size of the pack.")
    attach_evidence: bool = Field(False, description="Embed evidence files in the pack as PDF attachments.")
    pdfa: bool = Field(False, description="Write the pack as PDF/A-3b.")
    pdf_on_serve: bool = Field(False, description="Also build the pack under `mkdocs serve`.")
    evidence_shelf_life: Interval = Field(
        "12 months", description="How long evidence without `expires` stays current after `collected_on`."
    )
    self_approval: Literal["warning", "error"] = Field(
        "warning", description="How an approver who changed the approved version is reported."
    )
    failed_expectation: Literal["warning", "error"] = Field(
        "warning",
        description="How a measured result outside its threshold is reported (an error always, with `blocking: true`).",
    )
    acknowledgement_target: Annotated[float, Field(ge=0, le=100)] = Field(
        95, description="Per cent of the people who must acknowledge a document's current version that should have."
    )
    acknowledgement_grace_days: Annotated[int, Field(ge=0, le=3650)] = Field(
        30, description="Days after a version's `effective` date (or a person's `joined`) before acknowledging is due."
    )
    acknowledgements_by_committer: bool = Field(
        False,
        description="Each row of acknowledgements/acknowledgements.csv must be committed by the person it names.",
    )
    expiring_within_days: Annotated[int, Field(ge=0, le=3650)] = Field(
        60, description="Evidence expiring within this many days is listed as an open item."
    )

    @field_validator("pdf_filename")
    @classmethod
    def _plain_pdf_name(cls, name: str) -> str:
        if not name.endswith(".pdf") or "/" in name or "\\" in name or name.startswith("."):
            raise ValueError(f"must be a plain file name ending in .pdf, not {name!r}")
        return name

    @field_validator("pdf_page_size", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value

    def pack_audience(self) -> Audience:
        """The pack built with the site: `pdf_audience`, but never wider than the site's own."""
        order = list(Audience)
        return min(self.audience, self.pdf_audience, key=order.index)


def describe(problem: dict) -> str:
    """One pydantic error as `key: message`."""
    where = ".".join(str(p) for p in problem.get("loc", ())) or "settings"
    message = problem["msg"].replace("Value error, ", "")
    if problem["type"] == "extra_forbidden":
        message = "not an option of the aims plugin"
    return f"{where}: {message}"
