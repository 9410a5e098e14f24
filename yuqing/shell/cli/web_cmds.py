"""`yuqing web` serves the desk; `yuqing users` manages its accounts."""

from __future__ import annotations

import socket
import sys
from datetime import datetime, timezone

import click

from yuqing.core.app import YuqingError
from yuqing.shell.cli import AppHolder, pass_app


@click.command("web")
@click.option("--host", default=None, help="监听地址（默认取 app.yaml 的 web.host）")
@click.option("--port", type=int, default=None, help="监听端口（默认取 app.yaml 的 web.port）")
@click.option("--root-path", default="", help="经反向代理挂在子路径下时的前缀，如 /yuqing")
@click.option("--forwarded-allow-ips", default="127.0.0.1",
              help="信任其 X-Forwarded-* 请求头的反向代理地址（逗号分隔）")
@click.option("--secure-cookies", is_flag=True, help="会话 Cookie 仅经 HTTPS 发送（经 HTTPS 代理访问时应开启）")
@pass_app
def web(holder: AppHolder, host: str | None, port: int | None, root_path: str, forwarded_allow_ips: str,
        secure_cookies: bool) -> None:
    """启动网页工作台（登录页 /login）。"""
    import uvicorn

    from yuqing.shell.web.app import create_app
    from yuqing.shell.web.users import list_users

    app = holder.get()
    app.upgrade_schema()
    host, port = host or app.settings.app.web.host, port or app.settings.app.web.port
    root_path = "/" + root_path.strip("/") if root_path.strip("/") else ""
    with app.sessions() as session:
        if not list_users(session):
            click.echo("提示：还没有任何账号，请先运行 yuqing users add --all 为人员创建账号。", err=True)
    desk = create_app(app, https_only=secure_cookies, cookie_path=root_path or "/")
    sock = _listen(host, port)
    click.echo(f"舆情工作台: http://{host}:{sock.getsockname()[1]}{root_path}/login （按 Ctrl+C 停止）")
    config = uvicorn.Config(desk, host=host, port=port, root_path=root_path, proxy_headers=True,
                            forwarded_allow_ips=forwarded_allow_ips, log_level="info", server_header=False)
    uvicorn.Server(config).run(sockets=[sock])


def _listen(host: str, port: int) -> socket.socket:
    """A listening socket, or a one-line error when the address is taken or not ours."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise YuqingError(f"无法在 {host}:{port} 上监听（{exc.strerror}）：端口可能已被占用，请用 --port 换一个") from None
    sock.listen(128)
    return sock


@click.group("users")
def users() -> None:
    """管理网页工作台账号（按 staff.yaml 中的人员创建）。"""


def _print_new(account, show_password: bool) -> None:
    password = f"\t初始密码: {account.password}" if show_password else ""
    click.echo(f"已创建账号 {account.username}\t{account.display_name}\t{account.role}{password}")


@users.command("add")
@click.argument("staff_key", required=False)
@click.option("--all", "all_staff", is_flag=True, help="为所有还没有账号的人员创建账号")
@click.option("--username", default="", help="用户名（默认与人员键相同）")
@click.option("--password-stdin", is_flag=True, help="从标准输入读取密码（默认随机生成并显示一次）")
@pass_app
def users_add(holder: AppHolder, staff_key: str | None, all_staff: bool, username: str, password_stdin: bool) -> None:
    """为人员 STAFF_KEY 创建账号；角色按人员配置：发言人/分管领导/局长为审核人，评论员，管理员。"""
    from yuqing.shell.web.users import add_missing_users, add_user

    if bool(staff_key) == all_staff:
        raise YuqingError("请指定一个人员键，或使用 --all（二者选一）")
    app = holder.get()
    app.upgrade_schema()
    now = datetime.now(timezone.utc)
    password = sys.stdin.readline().rstrip("\n") if password_stdin else ""
    with app.sessions() as session:
        created = (add_missing_users(session, app.settings, now) if all_staff
                   else [add_user(session, app.settings, staff_key, now, username=username, password=password)])
        session.commit()
    if not created:
        click.echo("所有人员都已有账号。")
    for account in created:
        _print_new(account, show_password=not password_stdin)
    if created and not password_stdin:
        click.echo("请将初始密码通过安全渠道交给本人；忘记密码时由管理员重置。")


@users.command("list")
@pass_app
def users_list(holder: AppHolder) -> None:
    """列出所有账号。"""
    from yuqing.shell.web.users import ROLE_NAMES, list_users

    app = holder.get()
    app.require_schema()
    with app.sessions() as session:
        accounts = list_users(session)
        if not accounts:
            click.echo("还没有账号；用 yuqing users add --all 创建。")
        for user in accounts:
            state = "启用" if user.active else "已停用"
            click.echo(f"{user.username:<16} {user.display_name:<6} {ROLE_NAMES.get(user.role, user.role):<12} "
                       f"{user.staff_key:<16} {state}")


@users.command("passwd")
@click.argument("username")
@click.option("--generate", is_flag=True, help="随机生成新密码并显示一次")
@pass_app
def users_passwd(holder: AppHolder, username: str, generate: bool) -> None:
    """修改账号 USERNAME 的密码（该账号已登录的会话随即失效）。"""
    from yuqing.shell.web.security import generate_password
    from yuqing.shell.web.users import set_password

    password = generate_password() if generate else click.prompt("新密码", hide_input=True, confirmation_prompt="再输入一次")
    app = holder.get()
    app.upgrade_schema()
    with app.sessions() as session:
        set_password(session, username, password)
        session.commit()
    click.echo(f"已修改 {username} 的密码。" + (f"新密码: {password}" if generate else ""))
