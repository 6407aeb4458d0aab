"""The bounce spool: whole messages with their envelope, in order, until done or set aside."""

from __future__ import annotations

from pathlib import Path

from distributor.bounces.spool import REASON_SUFFIX, Share, Spool

MESSAGE = b"From: MAILER-DAEMON@mx.example\r\nSubject: Undelivered\r\n\r\nGone.\r\n"


def test_a_stored_message_reads_back_exactly_with_its_envelope(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool")
    spool.put(MESSAGE, "", ["bounces+1-abcdefghij@b.example", "unsubscribe+2-abcdefghij@b.example"])

    (message,) = spool.pending()

    assert message.read() == MESSAGE
    assert message.envelope_from == ""
    assert message.recipients == (
        "bounces+1-abcdefghij@b.example",
        "unsubscribe+2-abcdefghij@b.example",
    )


def test_a_stored_message_is_in_new_and_nothing_is_left_in_tmp(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool")

    path = spool.put(MESSAGE, "mailer@x.example", ["bounces+1-abcdefghij@b.example"])

    assert path.parent == spool.new
    assert list(spool.tmp.iterdir()) == []


def test_pending_messages_come_oldest_first(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool")
    for number in range(20):
        spool.put(b"Subject: %d\r\n\r\n" % number, "", ["r@b.example"])

    subjects = [message.read() for message in spool.pending()]

    assert subjects == [b"Subject: %d\r\n\r\n" % number for number in range(20)]


def test_a_spool_opened_again_still_holds_what_was_stored(tmp_path: Path) -> None:
    Spool(tmp_path / "spool").put(MESSAGE, "", ["r@b.example"])

    (message,) = Spool(tmp_path / "spool").pending()

    assert message.read() == MESSAGE


def test_a_message_done_is_no_longer_pending(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool")
    spool.put(MESSAGE, "", ["r@b.example"])
    (message,) = spool.pending()

    spool.done(message)

    assert list(spool.pending()) == []


def test_a_message_for_review_keeps_its_bytes_and_gets_a_reason_beside_it(
    tmp_path: Path,
) -> None:
    spool = Spool(tmp_path / "spool")
    spool.put(MESSAGE, "", ["r@b.example"])
    (message,) = spool.pending()

    kept = spool.to_review(message, "ValueError: no report in it")

    assert list(spool.pending()) == []
    assert spool.in_review() == [kept]
    assert kept.read_bytes().endswith(MESSAGE)
    reason = kept.with_name(kept.name + REASON_SUFFIX).read_text()
    assert reason == "ValueError: no report in it\n"


def test_a_file_without_an_envelope_line_goes_to_review_instead_of_stopping_the_rest(
    tmp_path: Path,
) -> None:
    spool = Spool(tmp_path / "spool")
    (spool.new / "0.dropped-by-hand.eml").write_bytes(MESSAGE)
    spool.put(MESSAGE, "", ["r@b.example"])

    pending = list(spool.pending())

    assert len(pending) == 1
    (kept,) = spool.in_review()
    assert kept.name == "0.dropped-by-hand.eml"
    assert "envelope line" in kept.with_name(kept.name + REASON_SUFFIX).read_text()


def test_clearing_unfinished_writes_removes_only_tmp_files(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool")
    (spool.tmp / "half-written.eml").write_bytes(b'{"from": ""')
    spool.put(MESSAGE, "", ["r@b.example"])

    assert spool.clear_unfinished() == 1

    assert list(spool.tmp.iterdir()) == []
    assert len(list(spool.pending())) == 1


def test_an_empty_message_is_stored_too(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool")
    spool.put(b"", "", ["r@b.example"])

    (message,) = spool.pending()

    assert message.read() == b""


def test_every_spooled_file_belongs_to_exactly_one_share(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool")
    names = [spool.put(MESSAGE, "", ["a@b.example"]).name for _ in range(60)]
    shares = [Share(index, 3) for index in range(3)]

    owners = [[share.index for share in shares if share.owns(name)] for name in names]

    assert all(len(owner) == 1 for owner in owners)
    assert {owner[0] for owner in owners} == {0, 1, 2}  # 60 names: each share gets some


def test_pending_lists_only_the_messages_of_the_share_asked_for(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool")
    for _ in range(20):
        spool.put(MESSAGE, "", ["a@b.example"])
    first, second = Share(0, 2), Share(1, 2)

    mine = {m.name for m in spool.pending(first)}
    theirs = {m.name for m in spool.pending(second)}

    assert mine.isdisjoint(theirs)
    assert mine | theirs == {m.name for m in spool.pending()}
