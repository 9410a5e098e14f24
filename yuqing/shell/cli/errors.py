"""One Chinese line for each failure the command line expects: a database that cannot be reached,
refuses the login, is read-only or is named by a bad URL; numbers beyond range; unreadable files."""

from __future__ import annotations

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DataError, DBAPIError, NoSuchModuleError, OperationalError

from yuqing.core.storage.db import DatabaseUrlError

URL_HINT = "（用 --database-url、YUQING_DATABASE_URL 或 app.yaml 的 database_url 指定）"


def _where(url: str) -> str:
    """The database a URL names, without its password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return "配置的数据库"


def _operational(text: str, where: str) -> str:
    """Why an operational error happened, and what to do about it."""
    lowered = text.lower()
    if "readonly" in lowered or "read-only" in lowered or "read only" in lowered:
        return f"数据库 {where} 是只读的，无法写入：请检查数据库文件及其目录的写权限，或换一个可写的数据库{URL_HINT}"
    if "unable to open database file" in lowered:
        return f"无法打开数据库文件 {where}：请检查路径是否存在、目录是否可写{URL_HINT}"
    if "role" in lowered and "does not exist" in lowered or "authentication failed" in lowered \
            or "no password supplied" in lowered:
        return f"数据库 {where} 拒绝登录（用户名或密码不对）：请检查地址中的用户名和密码，或请数据库管理员建立该角色{URL_HINT}"
    if "database" in lowered and "does not exist" in lowered:
        return f"数据库 {where} 不存在：请先建库（如 createdb），或改正地址中的库名{URL_HINT}"
    if "locked" in lowered:
        return f"数据库 {where} 正被其他进程锁定：请稍后重试"
    if "connect" in lowered or "timeout" in lowered or "could not translate host" in lowered:
        return f"无法连接数据库 {where}：请确认数据库服务已启动、主机和端口正确、网络可达{URL_HINT}"
    return f"数据库 {where} 出错（{text.splitlines()[0] if text else '未知原因'}）：请确认数据库可用后重试"


def explain(exc: BaseException, database_url: str) -> str | None:
    """The one-line message for an expected failure, or None for anything else."""
    where = _where(database_url)
    if isinstance(exc, DatabaseUrlError):
        return f"{exc}{URL_HINT}"
    if isinstance(exc, (ArgumentError, NoSuchModuleError)):
        return f"数据库地址无法使用：{exc}{URL_HINT}"
    if isinstance(exc, OperationalError):
        return _operational(str(exc.orig), where)
    if isinstance(exc, (DataError, OverflowError)):
        return "数值超出范围（如过大的编号）：请检查输入的编号或数字"
    if isinstance(exc, DBAPIError):
        return f"数据库 {where} 拒绝了这次操作（{str(exc.orig).splitlines()[0]}）：请确认数据库结构已升级（yuqing db upgrade）"
    if isinstance(exc, PermissionError):
        return f"没有权限读写 {exc.filename or '文件'}：请检查文件和目录的权限"
    if isinstance(exc, OSError) and exc.filename:
        return f"无法读写 {exc.filename}（{exc.strerror}）：请检查路径与权限"
    return None
