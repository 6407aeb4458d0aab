"""The SMTP transport against a real aiosmtpd server on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from distributor.config import load_settings, parse_transport_url, parse_transport_urls
from distributor.errors import TransportError
from distributor.sending.transports.configured import create_transport
from distributor.sending.transports.outcomes import OutcomeKind, SendResult
from distributor.sending.transports.smtp import SMTPTransport, _Exchange
from tests.servers import free_port
from tests.smtp_server import CaptureServer, Certificate, make_certificate, smtp_server

SENDER = "bounces+abc@news.example"
MESSAGE = (
    b"From: Press <press@news.example>\r\nTo: ada@x.example\r\nSubject: Launch\r\n"
    b"Message-ID: <1@news.example>\r\n\r\nHello.\r\n.leading dot stays\r\n"
)


@pytest.fixture(params=["pipelining", "one command at a time"])
def server(request: pytest.FixtureRequest) -> Iterator[CaptureServer]:
    """The relay, with and without PIPELINING: every behaviour holds either way."""
    with smtp_server(pipelining=request.param == "pipelining") as running:
        yield running


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    return make_certificate(tmp_path_factory.mktemp("tls"))


def transport_for(*urls: str) -> SMTPTransport:
    return SMTPTransport(parse_transport_urls(",".join(urls)))


def kinds(result: SendResult) -> dict[str, OutcomeKind]:
    return {recipient: outcome.kind for recipient, outcome in result.outcomes.items()}


def test_server_receives_the_exact_bytes_and_envelope(server: CaptureServer) -> None:
    with transport_for(server.url(tls="none")) as transport:
        result = transport.send(SENDER, ["ada@x.example"], MESSAGE)

    assert kinds(result) == {"ada@x.example": OutcomeKind.SENT}
    assert result.outcomes["ada@x.example"].code == 250
    assert [(m.envelope_from, m.recipients, m.data) for m in server.messages] == [
        (SENDER, ["ada@x.example"], MESSAGE)
    ]


def test_lines_starting_with_a_dot_arrive_as_written(server: CaptureServer) -> None:
    message = b".first line\r\n\r\n..two dots\r\n.\r\nlast.\r\n"

    with transport_for(server.url(tls="none")) as transport:
        transport.send(SENDER, ["ada@x.example"], message)

    assert [m.data for m in server.messages] == [message]


def test_an_address_with_a_name_or_a_line_break_gives_only_its_address(
    server: CaptureServer,
) -> None:
    with transport_for(server.url(tls="none")) as transport:
        transport.send(
            SENDER, ["Ada <ada@x.example>", "bob@x.example\r\nRCPT TO:<eve@x.example>"], MESSAGE
        )

    assert [m.recipients for m in server.messages] == [["ada@x.example", "bob@x.example"]]


def test_a_transaction_interrupted_while_awaiting_its_reply_leaves_no_reply_for_the_next(
    server: CaptureServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker process told to stop mid-transaction (Celery cancels its tasks when the broker
    goes away) but kept alive must not read that transaction's reply as the next one's."""
    real_content = _Exchange.content

    def interrupted(exchange: _Exchange, message: bytes) -> tuple[int, str]:
        monkeypatch.setattr(_Exchange, "content", real_content)
        exchange._smtp.send(message + b".\r\n")  # sent whole; its reply never read
        raise SystemExit(-15)

    with transport_for(server.url(tls="none")) as transport:
        monkeypatch.setattr(_Exchange, "content", interrupted)
        with pytest.raises(SystemExit):
            transport.send(SENDER, ["ada@x.example"], MESSAGE)
        result = transport.send(SENDER, ["bob@x.example"], MESSAGE)

    assert kinds(result) == {"bob@x.example": OutcomeKind.SENT}
    assert [m.recipients for m in server.messages] == [["ada@x.example"], ["bob@x.example"]]


def test_one_connection_is_reused_across_sends(server: CaptureServer) -> None:
    with transport_for(server.url()) as transport:
        for number in range(5):
            transport.send(SENDER, [f"r{number}@x.example"], MESSAGE)

    assert len(server.messages) == 5
    assert server.connections == 1


def test_reconnects_after_max_messages_per_connection(server: CaptureServer) -> None:
    with SMTPTransport(
        [parse_transport_url(server.url())], max_messages_per_connection=2
    ) as transport:
        for _ in range(5):
            transport.send(SENDER, ["ada@x.example"], MESSAGE)

    assert server.connections == 3


def test_reconnects_after_the_server_closed_the_connection(server: CaptureServer) -> None:
    with transport_for(server.url()) as transport:
        transport.send(SENDER, ["ada@x.example"], MESSAGE)
        server.disconnect_all()
        result = transport.send(SENDER, ["bob@x.example"], MESSAGE)

    assert kinds(result) == {"bob@x.example": OutcomeKind.SENT}
    assert len(server.messages) == 2
    assert server.connections == 2


def test_a_421_greeting_the_next_message_on_a_reused_connection_reconnects(
    server: CaptureServer,
) -> None:
    with transport_for(server.url()) as transport:
        transport.send(SENDER, ["ada@x.example"], MESSAGE)
        server.fail_next(1, code=421, text="4.4.2 idle too long", phase="MAIL")
        result = transport.send(SENDER, ["bob@x.example"], MESSAGE)

    assert kinds(result) == {"bob@x.example": OutcomeKind.SENT}
    assert not result.throttle
    assert server.connections == 2


def test_a_refused_recipient_fails_while_the_other_is_sent(server: CaptureServer) -> None:
    server.script({"gone@x.example": (550, "5.1.1 no such user")})

    with transport_for(server.url()) as transport:
        result = transport.send(SENDER, ["ada@x.example", "gone@x.example"], MESSAGE)

    assert kinds(result) == {
        "ada@x.example": OutcomeKind.SENT,
        "gone@x.example": OutcomeKind.FAILED,
    }
    refused = result.outcomes["gone@x.example"]
    assert (refused.code, refused.enhanced) == (550, "5.1.1")
    assert server.messages[0].recipients == ["ada@x.example"]
    assert not result.throttle


def test_a_5xx_at_data_fails_every_accepted_recipient(server: CaptureServer) -> None:
    server.fail_next(1, code=554, text="5.7.1 message rejected as spam", phase="DATA")

    with transport_for(server.url()) as transport:
        result = transport.send(SENDER, ["ada@x.example", "bob@x.example"], MESSAGE)

    assert set(kinds(result).values()) == {OutcomeKind.FAILED}
    assert result.outcomes["bob@x.example"].enhanced == "5.7.1"


def test_451_defers_and_the_connection_serves_the_next_message(server: CaptureServer) -> None:
    server.fail_next(1, code=451, phase="DATA")

    with transport_for(server.url()) as transport:
        first = transport.send(SENDER, ["ada@x.example"], MESSAGE)
        second = transport.send(SENDER, ["ada@x.example"], MESSAGE)

    assert kinds(first) == {"ada@x.example": OutcomeKind.DEFERRED}
    assert first.outcomes["ada@x.example"].code == 451
    assert not first.throttle
    assert kinds(second) == {"ada@x.example": OutcomeKind.SENT}
    assert server.connections == 1


def test_421_defers_and_asks_to_throttle(server: CaptureServer) -> None:
    server.fail_next(1, code=421, text="4.7.0 too many messages, slow down", phase="RCPT")

    with transport_for(server.url()) as transport:
        result = transport.send(SENDER, ["ada@x.example", "bob@x.example"], MESSAGE)

    assert set(kinds(result).values()) == {OutcomeKind.DEFERRED}
    assert result.throttle
    assert server.messages == []


def test_connection_refused_defers_and_asks_to_throttle() -> None:
    with transport_for(f"smtp://127.0.0.1:{free_port()}") as transport:
        result = transport.send(SENDER, ["ada@x.example"], MESSAGE)

    outcome = result.outcomes["ada@x.example"]
    assert outcome.kind is OutcomeKind.DEFERRED
    assert outcome.code is None
    assert "refused" in outcome.reply.lower()
    assert result.throttle


def test_fails_over_to_the_next_relay_when_the_first_refuses(server: CaptureServer) -> None:
    down = f"smtp://127.0.0.1:{free_port()}"

    with transport_for(down, server.url()) as transport:
        result = transport.send(SENDER, ["ada@x.example"], MESSAGE)

    assert kinds(result) == {"ada@x.example": OutcomeKind.SENT}
    assert len(server.messages) == 1


def test_a_command_timeout_defers(server: CaptureServer) -> None:
    server.stall(2.0, phase="DATA")

    with transport_for(server.url(timeout="0.3")) as transport:
        result = transport.send(SENDER, ["ada@x.example"], MESSAGE)

    outcome = result.outcomes["ada@x.example"]
    assert outcome.kind is OutcomeKind.DEFERRED
    assert "timed out" in outcome.reply


def test_a_connection_dropped_after_data_defers(server: CaptureServer) -> None:
    server.drop_after_data()

    with transport_for(server.url()) as transport:
        result = transport.send(SENDER, ["ada@x.example"], MESSAGE)

    assert kinds(result) == {"ada@x.example": OutcomeKind.DEFERRED}
    # The relay did take it: a retry may duplicate it, which the design accepts.
    assert len(server.messages) == 1


def test_starttls_is_used_and_verified_with_the_given_ca(certificate: Certificate) -> None:
    with (
        smtp_server(tls="starttls", certificate=certificate) as server,
        transport_for(server.url(cafile=str(certificate.cert))) as transport,
    ):
        result = transport.send(SENDER, ["ada@x.example"], MESSAGE)
        assert "(TLS)" in transport.check()

    assert kinds(result) == {"ada@x.example": OutcomeKind.SENT}


def test_starttls_with_an_untrusted_certificate_defers(certificate: Certificate) -> None:
    with (
        smtp_server(tls="starttls", certificate=certificate) as server,
        transport_for(server.url()) as transport,
    ):
        result = transport.send(SENDER, ["ada@x.example"], MESSAGE)

    assert "certificate" in result.outcomes["ada@x.example"].reply
    assert server.messages == []


def test_tls_required_refuses_a_server_without_starttls(server: CaptureServer) -> None:
    with transport_for(server.url(tls="required")) as transport:
        result = transport.send(SENDER, ["ada@x.example"], MESSAGE)

    outcome = result.outcomes["ada@x.example"]
    assert outcome.kind is OutcomeKind.DEFERRED
    assert "tls=required" in outcome.reply
    assert server.messages == []


def test_smtps_sends_over_implicit_tls(certificate: Certificate) -> None:
    with (
        smtp_server(tls="implicit", certificate=certificate) as server,
        transport_for(server.url(cafile=str(certificate.cert))) as transport,
    ):
        result = transport.send(SENDER, ["ada@x.example"], MESSAGE)

    assert kinds(result) == {"ada@x.example": OutcomeKind.SENT}
    assert server.messages[0].data == MESSAGE


def test_auth_with_the_right_password_sends() -> None:
    with (
        smtp_server(credentials=("press", "s3cret,!")) as server,
        transport_for(server.url(user="press", password="s3cret,!")) as transport,
    ):
        result = transport.send(SENDER, ["ada@x.example"], MESSAGE)

    assert kinds(result) == {"ada@x.example": OutcomeKind.SENT}


def test_a_wrong_password_raises_one_transport_error() -> None:
    with (
        smtp_server(credentials=("press", "s3cret")) as server,
        transport_for(server.url(user="press", password="wrong")) as transport,
        pytest.raises(TransportError, match="DISTRIBUTOR_SMTP_URL"),
    ):
        transport.send(SENDER, ["ada@x.example"], MESSAGE)


def test_smtputf8_is_used_for_an_international_address(server: CaptureServer) -> None:
    with transport_for(server.url()) as transport:
        result = transport.send(SENDER, ["jürgen@zeitung.example"], MESSAGE)

    assert kinds(result) == {"jürgen@zeitung.example": OutcomeKind.SENT}
    assert "SMTPUTF8" in server.messages[0].mail_options


def test_check_reports_an_unreachable_relay_naming_the_setting() -> None:
    with (
        transport_for(f"smtp://127.0.0.1:{free_port()}") as transport,
        pytest.raises(TransportError, match="DISTRIBUTOR_SMTP_URL"),
    ):
        transport.check()


def test_create_transport_builds_smtp_with_every_relay(server: CaptureServer) -> None:
    settings = load_settings(
        {"DISTRIBUTOR_SMTP_URL": f"smtp://127.0.0.1:{free_port()},{server.url()}"}
    )

    with create_transport(settings) as transport:
        result = transport.send(SENDER, ["ada@x.example"], MESSAGE)

    assert isinstance(transport, SMTPTransport)
    assert kinds(result) == {"ada@x.example": OutcomeKind.SENT}


def test_a_missing_cafile_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(TransportError, match="cafile"):
        transport_for(f"smtp://127.0.0.1:25?cafile={tmp_path / 'missing.pem'}")
