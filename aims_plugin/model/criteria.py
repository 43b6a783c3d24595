"""Risk criteria as data: the organisation's scales, rating bands and appetite.

They live in one file of the content folder (`risk_criteria.yaml`); without it
the default below applies: a common 5 x 5 matrix with four bands. Heat maps,
ratings, labels and the acceptance check all read the same `RiskCriteria`.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .fields import Text

#: The file in the content folder that holds the criteria.
CRITERIA_FILE = "risk_criteria.yaml"
#: Scores run 1..5 on each scale, so ratings run 1..25.
SCALE = 5
MAX_SCORE = SCALE * SCALE

Colour = Annotated[str, Field(pattern=r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$", description="`#rgb` or `#rrggbb`.")]
Labels = Annotated[list[Text], Field(min_length=SCALE, max_length=SCALE)]


class Band(BaseModel):
    """A rating band: the scores it spans, how it is shown and who may accept a risk in it."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    name: Text
    min: Annotated[int, Field(ge=1, le=MAX_SCORE, strict=True)]
    max: Annotated[int, Field(ge=1, le=MAX_SCORE, strict=True)]
    colour: Colour
    accepted_by: Text | None = Field(None, description="Who may accept a residual risk in this band; none: nobody.")

    @property
    def text_colour(self) -> str:
        """Black or white, whichever reads better on the band's colour (WCAG relative luminance)."""
        value = self.colour.lstrip("#")
        if len(value) == 3:
            value = "".join(c * 2 for c in value)
        channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
        # Contrast with black is (L + 0.05) / 0.05, with white 1.05 / (L + 0.05).
        return "#000000" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "#ffffff"

    @property
    def slug(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-") or "band"


class RiskCriteria(BaseModel):
    """Scales, bands (lowest first, covering 1..25 once) and the appetite (the highest band accepted as is)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    likelihood: Labels = Field(description="Five labels, for scores 1 to 5.")
    impact: Labels = Field(description="Five labels, for scores 1 to 5.")
    bands: Annotated[list[Band], Field(min_length=1)]
    appetite: Text = Field(description="Name of the highest band a risk may sit in without a recorded acceptance.")

    @model_validator(mode="after")
    def _bands_cover_every_score(self) -> RiskCriteria:
        expected = 1
        for band in self.bands:
            if band.min > band.max:
                raise ValueError(f"band {band.name!r} runs from {band.min} down to {band.max}")
            if band.min < expected:
                raise ValueError(f"band {band.name!r} ({band.min}-{band.max}) overlaps the band before it")
            if band.min > expected:
                raise ValueError(f"no band covers the scores {expected}-{band.min - 1}")
            expected = band.max + 1
        if expected <= MAX_SCORE:
            raise ValueError(f"no band covers the scores {expected}-{MAX_SCORE}")
        names = [band.name for band in self.bands]
        if len(set(names)) != len(names):
            raise ValueError("two bands have the same name")
        if self.appetite not in names:
            raise ValueError(f"appetite {self.appetite!r} is not one of the bands ({', '.join(names)})")
        return self

    def band(self, score: int) -> Band:
        for band in self.bands:
            if band.min <= score <= band.max:
                return band
        raise ValueError(f"score {score} is outside 1-{MAX_SCORE}")

    def above_appetite(self, score: int) -> bool:
        names = [band.name for band in self.bands]
        return names.index(self.band(score).name) > names.index(self.appetite)

    def rank(self, band: Band) -> int:
        return [b.name for b in self.bands].index(band.name)


DEFAULT_CRITERIA = RiskCriteria(
    likelihood=["Rare", "Unlikely", "Possible", "Likely", "Almost certain"],
    impact=["Negligible", "Minor", "Moderate", "Major", "Severe"],
    bands=[
        Band(name="Low", min=1, max=4, colour="#2e7d32", accepted_by="Risk owner"),
        Band(name="Medium", min=5, max=9, colour="#f9a825", accepted_by="AIMS owner"),
        Band(name="High", min=10, max=16, colour="#ef6c00", accepted_by="Top management"),
        Band(name="Very high", min=17, max=25, colour="#b71c1c"),
    ],
    appetite="Medium",
)
