"""Single messages that belong to no send-out, such as the newsroom sign-up's confirmation.

They go through the same transport and DKIM signer as releases, but carry no VERP
return path and no List-Unsubscribe: they answer a request the recipient just made.
"""

from __future__ import annotations

from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, make_msgid, parseaddr

from distributor.config import Settings
from distributor.contacts import Confirmation
from distributor.errors import HeaderInjection, TransportError
from distributor.rendering import email_environment
from distributor.sending.message.dkim.signer import DkimSigner
from distributor.sending.transports.configured import create_transport
from distributor.sending.transports.outcomes import OutcomeKind


def compose_notice(
    settings: Settings, to: Address, subject: str, template: str, **values: object
) -> EmailMessage:
    """A text (and HTML) message from `templates/email/<template>.txt` and `.html`.

    Header values go through `Address` and the SMTP policy, which refuse line breaks
    (ValueError); the email package then decodes encoded words typed into a value and
    writes back the line breaks they carry, so each header is checked as it will be
    written (HeaderInjection): nothing a visitor typed can add a header.
    """
    environment = email_environment()
    sender = parseaddr(settings.from_address)[1]
    message = EmailMessage(policy=SMTP)
    message["From"] = settings.from_address
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2])
    message["Auto-Submitted"] = "auto-generated"
    for name, value in message.items():
        # A continuation line starts with a space; any other line would be a header of its
        # own, e.g. from a name typed as "=?utf-8?q?Anna=0D=0ABcc:_…?=".
        lines = message.policy.fold(name, value).removesuffix("\r\n").split("\r\n")
        # A value ending in a line break passes the policy (it counts lines) and would be
        # written as a bare LF.
        written = "".join(lines)
        if (
            any(line[:1] not in (" ", "\t") for line in lines[1:])
            or "\r" in written
            or "\n" in written
        ):
            raise HeaderInjection(name, str(value))
    message.set_content(environment.get_template(f"{template}.txt").render(**values))
    html = environment.get_template(f"{template}.html").render(subject=subject, **values)
    message.add_alternative(html, subtype="html")
    return message


def send_notice(settings: Settings, message: EmailMessage) -> None:
    """Hand `message` to the configured transport now; TransportError unless it was taken."""
    data = message.as_bytes()
    signer = DkimSigner.from_settings(settings)
    if signer is not None:
        data = signer.sign(data)
    recipient = message["To"].addresses[0].addr_spec
    with create_transport(settings) as transport:
        outcome = transport.send(parseaddr(settings.from_address)[1], [recipient], data)
    taken = outcome.outcomes[recipient]
    if taken.kind is not OutcomeKind.SENT:
        raise TransportError(
            f"the mail relay did not take the message to {recipient}: "
            f"{taken.code or ''} {taken.reply}".strip()
        )


def send_signup_confirmation(settings: Settings, confirmation: Confirmation) -> None:
    """Mail the newsroom sign-up's confirmation link to the address that asked for it."""
    organization = settings.organization_name
    subject = f"Confirm your sign-up for press releases from {organization}"
    local, _, domain = confirmation.email.rpartition("@")
    to = Address("", local, domain)
    values = {"confirmation": confirmation, "organization": organization}
    send_notice(settings, compose_notice(settings, to, subject, "signup_confirm", **values))
