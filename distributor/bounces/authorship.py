"""Whether a reply's From can be believed: a DKIM signature or an SPF pass aligned with its domain.

Anyone can write any From, so a reply is *verified* only when its author's domain
vouches for it, as DMARC would have it: a DKIM signature that verifies, made by that
domain (or its parent or a sub-domain), or an SPF pass for an envelope sender of that
domain. DKIM is checked here, with the signer's key from DNS (the lookup is handed
in, so tests need no network). SPF depends on the connecting address, which only
the receiving MTA saw: when an MTA in front of `bounces serve` checks it, its
Authentication-Results header is believed if it carries the authserv-id set in
DISTRIBUTOR_REPLY_AUTHSERV_ID (that MTA must remove such headers from incoming mail,
as RFC 8601 asks); any other Authentication-Results or Received-SPF header was
written by whoever sent the message and is ignored.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from email.parser import BytesHeaderParser
from email.policy import compat32

import dkim

log = logging.getLogger(__name__)

TxtLookup = Callable[..., bytes | None]  # dkimpy's: (name: bytes, timeout=…) -> TXT or None
_MAX_SIGNATURES = 5  # each costs a DNS lookup; real mail carries one to three
_HEADER_BYTES = 64 * 1024
_SPF_PASS = re.compile(r"\bspf\s*=\s*pass\b[^;]*?\bsmtp\.mailfrom\s*=\s*\"?([^\s;\"]+)", re.I)


@dataclass(frozen=True)
class Authorship:
    """Whether the author is verified, and how (or why not), in words for the press officer."""

    verified: bool
    reason: str


def lookup_txt(name: bytes, timeout: float = 5) -> bytes | None:
    """dkimpy's own DNS lookup (dnspython), bounded by `timeout` seconds."""
    return dkim.dnsplug.get_txt(name, timeout=timeout)  # type: ignore[no-any-return]


def check_authorship(
    raw: bytes, author: str, *, dns: TxtLookup = lookup_txt, authserv_id: str = ""
) -> Authorship:
    """Whether `raw`, whose From is `author`, is vouched for by the author's domain."""
    domain = author.rpartition("@")[2].lower().rstrip(".")
    if not domain:
        return Authorship(False, "its sender has no domain")
    for signer in _verified_signers(raw, dns):
        if aligned(signer, domain):
            return Authorship(True, f"DKIM signature of {signer}")
    if authserv_id:
        envelope_domain = _spf_pass(raw, authserv_id)
        if envelope_domain and aligned(envelope_domain, domain):
            return Authorship(True, f"SPF pass for {envelope_domain}, checked by {authserv_id}")
    return Authorship(False, f"no DKIM signature or SPF pass of {domain}")


def aligned(domain: str, author_domain: str) -> bool:
    """Relaxed alignment, without the public suffix list: the same domain, or one inside the
    other when the shorter has at least two labels (so `co.uk` never vouches for `a.co.uk`)."""
    shorter, longer = sorted((domain.lower().rstrip("."), author_domain), key=len)
    if shorter == longer:
        return True
    return shorter.count(".") >= 1 and longer.endswith("." + shorter)


def _verified_signers(raw: bytes, dns: TxtLookup) -> list[str]:
    """The domains (d=) of the message's DKIM signatures that verify."""
    signers = []
    count = len(_headers(raw).get_all("dkim-signature", []))
    for index in range(min(count, _MAX_SIGNATURES)):
        checker = dkim.DKIM(raw)
        try:
            if checker.verify(idx=index, dnsfunc=dns) and checker.domain:
                signers.append(checker.domain.decode("ascii", "replace").lower())
        except Exception as exc:  # dkimpy raises for malformed signatures, keys and DNS failures
            log.info("DKIM signature %d does not verify: %s", index, exc)
    return signers


def _spf_pass(raw: bytes, authserv_id: str) -> str | None:
    """The envelope sender's domain of an SPF pass in the topmost Authentication-Results
    header written by `authserv_id`; None without one."""
    for value in _headers(raw).get_all("authentication-results", []):
        text = " ".join(str(value).split())
        server = text.partition(";")[0].split()
        if not server or server[0].lower() != authserv_id.lower():
            continue
        found = _SPF_PASS.search(text)
        return found.group(1).rpartition("@")[2].lower() if found else None
    return None


def _headers(raw: bytes) -> Message:
    return BytesHeaderParser(policy=compat32).parsebytes(raw[:_HEADER_BYTES], headersonly=True)
