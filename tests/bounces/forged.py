"""Reports an attacker can write: a DSN naming several recipients, an ARF complaint."""

from __future__ import annotations

import uuid


def multi_dsn(*recipients: str, to: str, status: str = "5.1.1") -> bytes:
    """A DSN in Postfix's shape that reports every one of `recipients` as failed."""
    blocks = "".join(
        f"Final-Recipient: rfc822; {recipient}\nAction: failed\nStatus: {status}\n"
        f"Diagnostic-Code: smtp; 550 {status} <{recipient}>: User unknown\n\n"
        for recipient in recipients
    )
    return f"""\
From: MAILER-DAEMON@mx.tageblatt.example (Mail Delivery System)
To: {to}
Subject: Undelivered Mail Returned to Sender
Message-ID: <dsn.{uuid.uuid4().hex}@mx.tageblatt.example>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

--b1
Content-Type: text/plain

Your message could not be delivered to some recipients.

--b1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.tageblatt.example

{blocks}--b1
Content-Type: text/rfc822-headers

From: Press Office <press@newsroom.example>
Subject: New research centre opens

--b1--
""".replace("\n", "\r\n").encode()


def complaint(recipient: str, *, to: str, original_message_id: str | None = None) -> bytes:
    """An ARF abuse report about our email to `recipient`, sent to `to`."""
    quoted = f"Message-ID: {original_message_id}\n" if original_message_id else ""
    return f"""\
From: Feedback Loop <fbl@feedback.webmail.example>
To: {to}
Subject: FW: New research centre opens
Message-ID: <fbl.{uuid.uuid4().hex}@feedback.webmail.example>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="b2"

--b2
Content-Type: text/plain

This is an email abuse report.

--b2
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: WebmailFBL/2.1
Version: 1
Original-Rcpt-To: <{recipient}>

--b2
Content-Type: message/rfc822

From: Newsroom Press Office <press@newsroom.example>
To: {recipient}
Subject: New research centre opens
{quoted}
The new research centre opens on 12 March.

--b2--
""".replace("\n", "\r\n").encode()
