"""The bureau's identity and its monitoring scheme: names, aliases, region words, subject words,
vague names and what must not count."""

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
    towns: list[str] = Field(default_factory=list, description="Streets and towns: region words too")
    generic_names: list[str] = Field(
        default_factory=lambda: ["民政局", "民政"],
        description="Generic names: subject words that count with a region word or on the city's own sources",
    )
    units: list[str] = Field(default_factory=list, description="The bureau's units (福利院, 殡仪馆 ...): subject words")
    evasive_names: list[str] = Field(default_factory=list, description="Names netizens use instead (民政菊 ...)")
    vague_names: list[str] = Field(
        default_factory=list, description="有关部门, 某局: count with a region only when no other department's business shows"
    )
    exclusions: list[str] = Field(
        default_factory=list, description="Names that must NOT count, e.g. other cities' bureaus"
    )
    exclusion_contexts: list[str] = Field(
        default_factory=list, description="Contexts where a subject word means something else (民政路, 人民政府)"
    )
    hotline: str = ""
    website: str = ""
    address: str = ""
