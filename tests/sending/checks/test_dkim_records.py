"""The pre-flight check compares the DNS records the settings give with the keys that sign."""

from __future__ import annotations

import base64
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from distributor.sending.message.dkim.records import record_problems
from distributor.sending.scheduling.checks.sender import check_dkim
from tests.sending.checks.conftest import CheckedSettings
from tests.sending.dkim_verifiers import ThrowawayKey

Keys = dict[str, ThrowawayKey]


def test_record_of_the_key_is_no_finding(
    checked_settings: CheckedSettings, key_pair: tuple[Path, str]
) -> None:
    assert check_dkim(checked_settings(dkim_record=key_pair[1])) == []


def test_record_of_another_key_is_an_error_naming_both_settings_and_the_record_to_publish(
    checked_settings: CheckedSettings, dkim_keys: Keys, key_pair: tuple[Path, str]
) -> None:
    (finding,) = check_dkim(checked_settings(dkim_record=dkim_keys["rsa"].record))
    assert finding.code == "dkim.record"
    assert finding.level.value == "error"
    assert "DISTRIBUTOR_DKIM_RECORD does not publish the key of DISTRIBUTOR_DKIM_KEY_FILE" in (
        finding.message
    )
    assert "its public key (p=) is not the key file's" in finding.message
    assert f"publish at press._domainkey.ministry.example: {key_pair[1]}" in finding.message
    assert "DISTRIBUTOR" not in finding.plain
    assert "would not verify" in finding.plain


def test_second_record_of_the_wrong_key_type_is_an_error(
    checked_settings: CheckedSettings, dkim_keys: Keys
) -> None:
    settings = checked_settings(
        dkim_second_selector="ed",
        dkim_second_key_file=str(dkim_keys["ed25519"].file),
        dkim_second_record=dkim_keys["rsa"].record,
    )
    (finding,) = check_dkim(settings)
    assert finding.message.startswith(
        "DISTRIBUTOR_DKIM_SECOND_RECORD does not publish the key of "
        "DISTRIBUTOR_DKIM_SECOND_KEY_FILE: it is for a rsa key (k=rsa) but the key file "
        "holds a ed25519 key"
    )


def test_second_key_that_cannot_sign_is_an_error_naming_its_setting(
    checked_settings: CheckedSettings, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.pem"
    bad.write_text("not a key")
    settings = checked_settings(dkim_second_selector="ed", dkim_second_key_file=str(bad))
    (finding,) = check_dkim(settings)
    assert finding.code == "dkim.key"
    assert "DISTRIBUTOR_DKIM_SECOND_KEY_FILE: not a PEM private key" in finding.message


def test_record_as_a_zone_file_writes_it_is_read(dkim_keys: Keys) -> None:
    """Quoted and cut into strings of at most 255 characters, with folds inside p=."""
    record = dkim_keys["rsa"].record
    cut = '"' + '" "'.join(record[start : start + 255] for start in range(0, len(record), 255))
    assert record_problems(dkim_keys["rsa"].key, cut.replace("p=MII", "p=\n\tMII") + '"') == []


def test_rsa_record_in_pkcs1_form_is_the_same_key(dkim_keys: Keys) -> None:
    public = dkim_keys["rsa"].key.private.public_key()
    der = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
    assert record_problems(dkim_keys["rsa"].key, f"p={base64.b64encode(der).decode()}") == []


def test_revoked_and_empty_records_are_named(dkim_keys: Keys) -> None:
    key = dkim_keys["ed25519"].key
    assert record_problems(key, "v=DKIM1; k=ed25519; p=") == [
        "its public key is revoked (p= is empty)"
    ]
    assert record_problems(key, "v=DKIM2; k=ed25519; h=sha1") == [
        "its v= is 'DKIM2', not DKIM1",
        "it allows only h=sha1, not sha256",
        "it has no public key (p=)",
    ]
