"""`yuqing login SOURCE`: QR login of one of a platform's accounts; the session is saved encrypted."""

from __future__ import annotations

from pathlib import Path

import click

from yuqing.shell.cli import AppHolder, pass_app


def _print_qr(picture: Path, qr) -> None:
    """The QR code as terminal text and its content, or where its image lies when it cannot be read."""
    if qr.text:
        click.echo(qr.text)
        click.echo(f"二维码内容：{qr.content}")
    else:
        click.echo("二维码无法在终端显示，请打开下面的图片扫码。")
    click.echo(f"二维码图片：{picture}（网页工作台的“登录会话”管理页也显示此二维码）")
    click.echo("请用该平台的手机 App 扫码并确认登录……")


@click.command("login")
@click.argument("source")
@click.option("--account", default="default", show_default=True, help="账号名称（同一数据源可登录多个账号轮换使用）")
@pass_app
def login(holder: AppHolder, source: str, account: str) -> None:
    """扫码登录数据源 SOURCE 的一个账号：在无界面浏览器中打开登录页，在终端显示二维码，扫码后加密保存会话。"""
    from yuqing.core.login.flow import login as run
    from yuqing.core.login.flow import login_request, qr_path

    request = login_request(holder.get().settings, source, account)
    click.echo(f"正在打开 {request.profile.url} ……")
    info = run(request, lambda qr: _print_qr(qr_path(request.store, source, account), qr))
    expires = f"，登录 Cookie 有效期至 {info.expires_at}" if info.expires_at else ""
    click.echo(f"登录成功：数据源 {source} 的账号 {account} 的会话已加密保存{expires}。")
