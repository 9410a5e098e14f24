"""The people: spokesperson, commentators, leaders, and how to reach them."""

from typing import Literal

from pydantic import Field

from yuqing.core.config.base import Section

Role = Literal["spokesperson", "commentator", "leader", "director", "admin"]


class StaffMember(Section):
    """One person in the response scheme."""

    key: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    name: str
    title: str = ""
    role: Role
    section: str = Field(default="", description="The section (科室) the person works in")
    section_head: bool = Field(default=False, description="Heads the section (rung section_head of the ladder)")
    topics: list[str] = Field(default_factory=list, description="Topic keys this person owns")
    email: str = ""
    channels: list[str] = Field(default_factory=lambda: ["email"], description="Alert channel names")
    deputy: str = Field(default="", description="Staff key covering when this person is away")
    away: bool = False
    max_open_cases: int = Field(default=20, ge=1)


class StaffConfig(Section):
    """All staff; exactly one spokesperson."""

    members: list[StaffMember] = Field(min_length=1)
