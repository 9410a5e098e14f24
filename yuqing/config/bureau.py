"""The bureau's identity: names, aliases, region and names that must not count."""

from pydantic import Field

from yuqing.config.base import Section


class BureauConfig(Section):
    """Who the bureau is, as the public writes about it."""

    name: str = Field(description="Official full name, e.g. 榆川市民政局")
    short_name: str = Field(description="Short form used in replies, e.g. 市民政局")
    aliases: list[str] = Field(default_factory=list, description="Other names people use")
    accounts: list[str] = Field(default_factory=list, description="The bureau's own official accounts")
    city: str = Field(description="City name, e.g. 榆川市")
    region_names: list[str] = Field(default_factory=list, description="Short region names, e.g. 榆川")
    districts: list[str] = Field(default_factory=list)
    generic_names: list[str] = Field(
        default_factory=lambda: ["民政局"],
        description="Generic names that count only together with a region or district",
    )
    exclusions: list[str] = Field(
        default_factory=list, description="Names that must NOT count, e.g. other cities' bureaus"
    )
    hotline: str = ""
    website: str = ""
    address: str = ""
