"""The bureau's identity and its monitoring scheme: names, aliases, region words, subject words,
vague names and what must not count."""

from typing import Any

from pydantic import Field, field_validator

from yuqing.core.config.base import Section


class BureauAccount(Section):
    """One of the bureau's own accounts: its name (a mention when people write it) and, where the
    bureau wants its timeline and the comments under its posts watched, the platform and user id."""

    name: str
    platform: str = Field(default="weibo", description="Platform label, as on posts (weibo)")
    uid: str = Field(default="", pattern=r"^[0-9]*$", description="The account's numeric user id on the platform")


class BureauConfig(Section):
    """Who the bureau is, as the public writes about it."""

    name: str = Field(description="Official full name, e.g. 榆川市民政局")
    short_name: str = Field(description="Short form used in replies, e.g. 市民政局")
    aliases: list[str] = Field(default_factory=list, description="Other names people use")
    accounts: list[BureauAccount] = Field(
        default_factory=list,
        description="The bureau's own official accounts: a name, or {name, platform, uid} to watch its posts",
    )
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

    @field_validator("accounts", mode="before")
    @classmethod
    def _names_alone(cls, value: Any) -> Any:
        """A plain name is an account without a platform id (kept as a mention word only)."""
        return [{"name": entry} if isinstance(entry, str) else entry for entry in value or []]

    @property
    def account_names(self) -> list[str]:
        """The names of the bureau's own accounts (they count as mentions)."""
        return [account.name for account in self.accounts]

    def own_ids(self, platform: str) -> dict[str, str]:
        """User id to account name of the bureau's own accounts on a platform."""
        return {a.uid: a.name for a in self.accounts if a.platform == platform and a.uid}
