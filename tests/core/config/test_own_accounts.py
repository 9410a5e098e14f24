"""The bureau's own accounts: plain names count as mentions; with a platform uid they can be
watched by a `weibo_account` source, which must name accounts that have one."""

from pathlib import Path

import pytest
import yaml

from yuqing.core.config import ConfigError, load_settings

OWN = {"key": "weibo-own", "kind": "weibo_account", "name": "本局微博"}


def rewrite(profile_dir: Path, name: str, change) -> None:
    path = profile_dir / f"{name}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def with_accounts(profile_dir: Path, accounts: list) -> None:
    rewrite(profile_dir, "bureau", lambda data: data.update(accounts=accounts))


def with_sources(profile_dir: Path, *sources: dict) -> None:
    rewrite(profile_dir, "sources", lambda data: data["sources"].extend(sources))


def test_names_and_accounts_with_ids_mix(profile_dir: Path):
    with_accounts(profile_dir, ["榆川市民政局", {"name": "榆川民政", "uid": "7700000001"}])
    bureau = load_settings(profile_dir, environ={}).bureau
    assert bureau.account_names == ["榆川市民政局", "榆川民政"]
    assert bureau.own_ids("weibo") == {"7700000001": "榆川民政"} and bureau.own_ids("douyin") == {}


def test_an_own_account_source_reads_the_named_accounts(profile_dir: Path):
    with_accounts(profile_dir, [{"name": "榆川民政", "uid": "7700000001"}, {"name": "榆川救助", "uid": "7700000002"}])
    with_sources(profile_dir, {**OWN, "accounts": ["榆川救助"], "comments": {"max_per_post": 20}})
    source = load_settings(profile_dir, environ={}).sources.sources[-1]
    assert (source.kind, source.accounts, source.comments.max_per_post) == ("weibo_account", ["榆川救助"], 20)
    assert source.is_addressed and not source.is_local


@pytest.mark.parametrize("accounts, named, key", [
    (["榆川民政"], [], "sources.5.accounts"),
    ([{"name": "榆川民政", "uid": "7700000001"}], ["榆川救助"], "sources.5.accounts"),
])
def test_an_own_account_source_needs_accounts_with_a_uid(profile_dir: Path, accounts, named, key):
    with_accounts(profile_dir, accounts)
    with_sources(profile_dir, {**OWN, "accounts": named})
    with pytest.raises(ConfigError) as caught:
        load_settings(profile_dir, environ={})
    assert caught.value.file.endswith("sources.yaml") and caught.value.key == key
    assert "没有带 uid 的微博账号" in str(caught.value)


def test_a_uid_is_digits(profile_dir: Path):
    with_accounts(profile_dir, [{"name": "榆川民政", "uid": "u7700"}])
    with pytest.raises(ConfigError) as caught:
        load_settings(profile_dir, environ={})
    assert caught.value.file.endswith("bureau.yaml") and caught.value.key == "accounts.0.uid"


def test_hot_comments_are_off_unless_enabled(settings):
    weibo = next(s for s in settings.sources.sources if s.kind == "weibo")
    assert not weibo.hot_comments.enabled and weibo.hot_comments.max_posts >= 1
