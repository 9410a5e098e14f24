"""Shared pydantic base for every configuration section."""

from pydantic import BaseModel, ConfigDict


class Section(BaseModel):
    """A configuration block: unknown keys are errors, values are validated strictly."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
