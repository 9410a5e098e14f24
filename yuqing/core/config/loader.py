"""Load the bureau's profile: packaged defaults < config/ YAML < environment < CLI flags."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import yaml
from pydantic import BaseModel, ValidationError

from yuqing.core.config.analysis import AnalysisConfig, TopicsConfig
from yuqing.core.config.app import AppConfig
from yuqing.core.config.bureau import BureauConfig
from yuqing.core.config.digest import DigestConfig
from yuqing.core.config.replies import RepliesConfig
from yuqing.core.config.response import ResponseConfig
from yuqing.core.config.sources import SourcesConfig
from yuqing.core.config.staff import StaffConfig, StaffMember

FILES: dict[str, type[BaseModel]] = {
    "app": AppConfig,
    "bureau": BureauConfig,
    "sources": SourcesConfig,
    "staff": StaffConfig,
    "response": ResponseConfig,
    "replies": RepliesConfig,
    "analysis": AnalysisConfig,
    "topics": TopicsConfig,
    "digest": DigestConfig,
}
REQUIRED = ("bureau", "staff")
ENV_PREFIX = "YUQING_"


class ConfigError(Exception):
    """A configuration problem, naming the file and the key path."""

    def __init__(self, file: str, key: str, problem: str):
        self.file, self.key, self.problem = file, key, problem
        where = f"{file}: {key}" if key else file
        super().__init__(f"配置错误 {where}: {problem}")


def default_config_dir() -> Path:
    """The packaged default profile: yuqing/profile in an installed wheel, else the checkout's config/."""
    package = Path(__file__).resolve().parents[2]
    installed = package / "profile"
    return installed if installed.is_dir() else package.parent / "config"


@dataclass(frozen=True)
class Settings:
    """The validated profile of one bureau, plus where it was read from."""

    config_dir: Path
    app: AppConfig
    bureau: BureauConfig
    sources: SourcesConfig
    staff: StaffConfig
    response: ResponseConfig
    replies: RepliesConfig
    analysis: AnalysisConfig
    topics: TopicsConfig
    digest: DigestConfig
    overrides: Mapping[str, Any] = field(default_factory=dict)

    def member(self, key: str) -> StaffMember:
        """The staff member with this key."""
        for person in self.staff.members:
            if person.key == key:
                return person
        raise KeyError(key)

    def with_role(self, role: str) -> list[StaffMember]:
        """Staff members holding a role, in config order."""
        return [p for p in self.staff.members if p.role == role]

    @property
    def spokesperson(self) -> StaffMember:
        """The bureau's network spokesperson."""
        return self.with_role("spokesperson")[0]


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行" if mark else ""
        raise ConfigError(str(path), where, f"YAML 语法错误 ({getattr(exc, 'problem', exc)})") from None
    except UnicodeDecodeError:
        raise ConfigError(str(path), "", "文件不是 UTF-8 编码") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(str(path), "", "顶层应为键值映射 (mapping)")
    return data


def _key_path(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc if part not in ("function-after",)) or "(顶层)"


def _validate(name: str, path: Path, data: dict[str, Any]) -> BaseModel:
    try:
        return FILES[name].model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        shown = first.get("input")
        problem = first["msg"] if isinstance(shown, (dict, list)) else f"{first['msg']} (输入: {shown!r})"
        if first["type"] == "extra_forbidden":
            problem = "未知的配置项 (拼写错误?)"
        elif first["type"] == "missing":
            problem = "缺少必填项"
        raise ConfigError(str(path), _key_path(first["loc"]), problem) from None


def env_overrides(environ: Mapping[str, str]) -> dict[str, Any]:
    """app.yaml keys taken from YUQING_* variables, e.g. YUQING_DATABASE_URL, YUQING_SMTP_PORT."""
    result: dict[str, Any] = {}
    for field_name, info in AppConfig.model_fields.items():
        sub = info.annotation
        if isinstance(sub, type) and issubclass(sub, BaseModel):
            for inner in sub.model_fields:
                value = environ.get(f"{ENV_PREFIX}{field_name}_{inner}".upper())
                if value is not None:
                    result.setdefault(field_name, {})[inner] = value
        elif (value := environ.get(f"{ENV_PREFIX}{field_name}".upper())) is not None:
            result[field_name] = value
    return result


def _merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _check_references(s: Settings) -> None:
    staff_file = str(s.config_dir / "staff.yaml")
    keys = {p.key for p in s.staff.members}
    if len(s.with_role("spokesperson")) != 1:
        raise ConfigError(staff_file, "members", "须有且只有一名网络发言人 (role: spokesperson)")
    for i, person in enumerate(s.staff.members):
        if person.deputy and person.deputy not in keys:
            raise ConfigError(staff_file, f"members.{i}.deputy", f"未知的人员 {person.deputy!r}")
        for channel in person.channels:
            if channel not in s.response.channels:
                raise ConfigError(staff_file, f"members.{i}.channels", f"未知的通知渠道 {channel!r}")
    for i, topic in enumerate(s.topics.topics):
        if topic.owner not in keys:
            raise ConfigError(str(s.config_dir / "topics.yaml"), f"topics.{i}.owner", f"未知的人员 {topic.owner!r}")
    _check_own_accounts(s)


def own_accounts(s: Settings, source: Any) -> dict[str, str]:
    """User id to name of the bureau's Weibo accounts an own-account source reads (all with a uid
    when it names none)."""
    ids = s.bureau.own_ids("weibo")
    wanted = set(source.accounts)
    return {uid: name for uid, name in ids.items() if not wanted or name in wanted}


def _check_own_accounts(s: Settings) -> None:
    """Every own-account source names accounts of bureau.yaml that have a Weibo uid."""
    with_uid = set(s.bureau.own_ids("weibo").values())
    for i, source in enumerate(s.sources.sources):
        if source.kind != "weibo_account":
            continue
        missing = [name for name in source.accounts if name not in with_uid]
        if missing or not with_uid:
            raise ConfigError(str(s.config_dir / "sources.yaml"), f"sources.{i}.accounts",
                              f"bureau.yaml accounts 中没有带 uid 的微博账号 {', '.join(missing)}".rstrip())


def load_settings(
    config_dir: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Read and validate every file of a profile; raise ConfigError naming file and key."""
    environ = os.environ if environ is None else environ
    directory = Path(config_dir or environ.get(f"{ENV_PREFIX}CONFIG") or default_config_dir())
    if not directory.is_dir():
        raise ConfigError(str(directory), "", "配置目录不存在")
    known = {f"{name}.yaml" for name in FILES}
    for path in sorted(directory.glob("*.y*ml")):
        if path.name not in known:
            raise ConfigError(str(path), "", f"未知的配置文件; 可用: {', '.join(sorted(known))}")
    sections: dict[str, BaseModel] = {}
    for name in FILES:
        path = directory / f"{name}.yaml"
        if not path.exists() and name in REQUIRED:
            raise ConfigError(str(path), "", "缺少必需的配置文件")
        data = _read_yaml(path) if path.exists() else {}
        if name == "app":
            data = _merge(_merge(data, env_overrides(environ)), overrides or {})
        sections[name] = _validate(name, path, data)
    settings = Settings(config_dir=directory, overrides=dict(overrides or {}), **sections)  # type: ignore[arg-type]
    _check_references(settings)
    return settings
