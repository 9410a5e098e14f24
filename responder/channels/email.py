"""Email over SMTP (plain, STARTTLS or SSL), built from a Notification and its attachments."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from responder.channels.base import Channel, DeliveryError, Outgoing
from yuqing.core.storage.models import NotificationAttachment

CAFILE_ENV = "YUQING_SMTP_CAFILE"


def recipients(alert: Outgoing) -> list[str]:
    """The addresses in the recipient field (comma or semicolon separated)."""
    return [part.strip() for part in alert.recipient.replace(";", ",").split(",") if part.strip()]


def _split(mime_type: str) -> tuple[str, str]:
    maintype, _, subtype = mime_type.partition("/")
    return maintype or "application", subtype or "octet-stream"


def _attach(message: EmailMessage, html_part: EmailMessage | None, item: NotificationAttachment) -> None:
    maintype, subtype = _split(item.mime_type)
    if item.content_id and html_part is not None:
        html_part.add_related(item.content, maintype, subtype, cid=f"<{item.content_id}>",
                              filename=item.filename, disposition="inline")
    else:
        message.add_attachment(item.content, maintype, subtype, filename=item.filename)


def build_message(alert: Outgoing, sender: str) -> EmailMessage:
    """A MIME message: text, HTML alternative with inline images, other files attached."""
    message = EmailMessage()
    message["Subject"] = " ".join(alert.subject.split())
    message["From"] = sender
    message["To"] = ", ".join(recipients(alert))
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(idstring=f"yuqing-{alert.id}")
    message.set_content(alert.body_text or alert.subject)
    html_part = None
    if alert.body_html:
        message.add_alternative(alert.body_html, subtype="html")
        html_part = message.get_body(preferencelist=("html",))
    for item in alert.attachments:
        _attach(message, html_part, item)  # type: ignore[arg-type]  # get_body() of an EmailMessage is one
    return message


class EmailChannel(Channel):
    """Sends through the SMTP server in app.yaml (`smtp:`); the password comes from its variable."""

    type_name = "email"

    def _context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.environ.get(CAFILE_ENV) or None)

    def _connect(self) -> smtplib.SMTP:
        smtp = self.settings.app.smtp
        if smtp.security == "ssl":
            return smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout_seconds, context=self._context())
        client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout_seconds)
        if smtp.security == "starttls":
            client.starttls(context=self._context())
        return client

    def masks_personal(self) -> bool:
        """Email masks phone and ID numbers unless response.yaml sets `mask_email: false`."""
        return self.settings.response.mask_email

    def deliver(self, alert: Outgoing) -> None:
        """Deliver by SMTP; connection, TLS, login and refusal errors become DeliveryError."""
        smtp = self.settings.app.smtp
        message = build_message(alert, smtp.sender)
        try:
            with self._connect() as client:
                if smtp.username:
                    client.login(smtp.username, self.env(smtp.password_env, "SMTP 密码"))
                client.send_message(message, from_addr=smtp.sender, to_addrs=recipients(alert))
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"邮件发送失败（{smtp.host}:{smtp.port}）: {type(exc).__name__}: {exc}") from None
