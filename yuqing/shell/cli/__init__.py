"""The `yuqing` command line: a thin, lazily loaded front to every stage."""

from __future__ import annotations

import importlib
import logging
import sys

import click

from yuqing.core.app import App, YuqingError
from yuqing.shell.cli.errors import explain
from yuqing.core.config import ConfigError

COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("yuqing.shell.cli.core", "init_profile"),
    "db": ("yuqing.shell.cli.core", "db"),
    "status": ("yuqing.shell.cli.core", "status"),
    "demo": ("yuqing.shell.cli.demo_cmds", "demo"),
    "crawl": ("yuqing.shell.cli.crawl_cmds", "crawl"),
    "login": ("yuqing.shell.cli.login_cmds", "login"),
    "worker": ("yuqing.shell.cli.crawl_cmds", "worker"),
    "analyze": ("yuqing.shell.cli.analysis_cmds", "analyze"),
    "score": ("yuqing.shell.cli.analysis_cmds", "score"),
    "train-sentiment": ("yuqing.shell.cli.analysis_cmds", "train_sentiment"),
    "train-department": ("yuqing.shell.cli.analysis_cmds", "train_department"),
    "queue": ("yuqing.shell.cli.queue_cmds", "queue"),
    "digest": ("yuqing.shell.cli.digest_cmds", "digest"),
    "report": ("yuqing.shell.cli.report_cmds", "report"),
    "web": ("yuqing.shell.cli.web_cmds", "web"),
    "users": ("yuqing.shell.cli.web_cmds", "users"),
    "run": ("yuqing.shell.cli.run_cmds", "run"),
    "backup": ("yuqing.shell.cli.run_cmds", "backup"),
}


class LazyGroup(click.Group):
    """Imports a subcommand only when it is used; turns expected errors into one line."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """All command names, sorted."""
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        """Import and return the named command."""
        if name not in COMMANDS:
            return None
        module, attr = COMMANDS[name]
        return getattr(importlib.import_module(module), attr)

    def invoke(self, ctx: click.Context):
        """Run the command; config and usage errors exit 2, user, database and file errors exit 1,
        each as one line without a traceback."""
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            click.echo(str(exc), err=True)
            sys.exit(2)
        except click.UsageError as exc:
            click.echo(f"错误: {_usage_line(exc)}", err=True)
            sys.exit(2)
        except YuqingError as exc:
            click.echo(f"错误: {exc}", err=True)
            sys.exit(1)
        except Exception as exc:
            message = explain(exc, ctx.obj.database_url())
            if message is None:
                raise
            logging.getLogger(__name__).debug("command failed", exc_info=exc)
            click.echo(f"错误: {message}", err=True)
            sys.exit(1)


def _usage_line(exc: click.UsageError) -> str:
    """A usage error as one line, pointing at the command's help (click prints usage over three lines)."""
    command = f" {exc.ctx.command_path.partition(' ')[2]}" if exc.ctx else ""
    message = exc.format_message()
    if type(exc) is click.BadParameter and exc.param is not None:  # not MissingParameter: it has no message
        message = f"参数 {exc.param.human_readable_name} 不正确：{exc.message}"
    return f"{message}（用 yuqing{command} -h 查看用法）"


class AppHolder:
    """Loads the App on first use so that `init` and `--help` need no valid profile."""

    def __init__(self, config_dir: str | None, overrides: dict):
        self.config_dir, self.overrides = config_dir, overrides
        self._app: App | None = None

    def get(self) -> App:
        """The loaded application (validates the profile)."""
        if self._app is None:
            self._app = App.load(self.config_dir, self.overrides)
        return self._app

    def database_url(self) -> str:
        """The database the command was pointed at, for error messages ("" when not yet known)."""
        return self._app.settings.app.database_url if self._app else self.overrides.get("database_url", "")


pass_app = click.make_pass_decorator(AppHolder)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_dir", envvar="YUQING_CONFIG", type=click.Path(file_okay=False),
              help="配置目录（默认使用内置的示例配置；也可用 YUQING_CONFIG 指定）")
@click.option("--database-url", default=None, help="数据库地址，覆盖配置与环境变量")
@click.option("-v", "--verbose", count=True, help="输出更详细的日志")
@click.version_option(package_name="yuqing")
@click.pass_context
def cli(ctx: click.Context, config_dir: str | None, database_url: str | None, verbose: int) -> None:
    """市民政局网络舆情监测与回应助手。

    采集提及本局的帖子，分析情感、类别、主题与热度，生成回应工单并提醒网络发言人，每周发送舆情周报。
    """
    logging.basicConfig(level=logging.WARNING - 10 * min(verbose, 2), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    overrides = {"database_url": database_url} if database_url else {}
    ctx.obj = AppHolder(config_dir, overrides)
    ctx.call_on_close(lambda: ctx.obj._app and ctx.obj._app.close())


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="yuqing")
