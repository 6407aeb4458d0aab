"""What a failed delivery says about its address: one table of rules over status codes and text.

Every place that judges a failure (SMTP-time rejections, DSNs, non-standard
bounces) asks `classify`, so a rule changes here and nowhere else. The enhanced
status code (RFC 3463) is the surest evidence and is read first; the diagnostic
text decides where the code is missing or generic (x.0.0) and for the few codes
whose meaning depends on who sent them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from distributor.models import BounceClass

# An enhanced status code standing alone: not a piece of an IP address or a version number.
ENHANCED_CODE = re.compile(r"(?<![\w.])([245]\.\d{1,3}\.\d{1,3})(?!\.?\d)")
_GENERIC_CODE = re.compile(r"[245]\.0\.0")


@dataclass(frozen=True)
class _Rule:
    """A verdict for a status code matching `code` in full, or a diagnostic in which `text` occurs."""

    verdict: BounceClass
    code: re.Pattern[str] | None = None
    text: re.Pattern[str] | None = None

    def matches(self, code: str, text: str) -> bool:
        if self.code is not None:
            return self.code.fullmatch(code) is not None
        return self.text is not None and self.text.search(text) is not None


def _code(verdict: BounceClass, pattern: str) -> _Rule:
    return _Rule(verdict, code=re.compile(pattern))


def _text(verdict: BounceClass, *phrases: str) -> _Rule:
    return _Rule(verdict, text=re.compile("|".join(phrases), re.IGNORECASE))


HARD, SOFT, BLOCK = BounceClass.HARD, BounceClass.SOFT, BounceClass.BLOCK

# First match wins.
_RULES = (
    # Class 4 is transient by definition: worth another try, whatever the text says.
    _code(SOFT, r"4\.\d+\.\d+"),
    # Our sender address was refused (5.1.7 bad syntax, 5.1.8 sender domain): not the recipient's fault.
    _code(BLOCK, r"5\.1\.[78]"),
    # The mailbox or its domain does not exist or is disabled (5.1.1, 5.1.2, 5.1.10, 5.2.1).
    _code(HARD, r"5\.1\.\d+"),
    _code(HARD, r"5\.2\.1"),
    # Mailbox full, mail system full or not taking mail now: the address is fine, try later.
    _code(SOFT, r"5\.2\.[24]"),
    _code(SOFT, r"5\.3\.[1-3]"),
    # Our message was too big (5.2.3, 5.3.4): the receiver's policy, not the address.
    _code(BLOCK, r"5\.2\.3|5\.3\.4"),
    # Routing: no mail host for the domain (5.4.4) is a dead address; loops and expiry
    # (5.4.6, 5.4.7) are passing trouble. 5.4.0-5.4.3 depend on the text, below.
    _code(HARD, r"5\.4\.4"),
    _code(SOFT, r"5\.4\.[5-7]"),
    # Policy: spam filters, reputation, authentication (SPF, DKIM, DMARC).
    _code(BLOCK, r"5\.7\.\d+"),
    # Text that blames the address beyond doubt.
    _text(
        HARD,
        r"user unknown|unknown user|unknown recipient|no such (user|mailbox|recipient|address)",
        r"does(n't| not) exist|mailbox (unavailable|disabled|not found)|recipientnotfound",
        r"(doesn't|does not) have an? [\w.-]+ account|account (is )?(disabled|inactive|closed)",
    ),
    # Text that says "later": full mailboxes, greylisting, rate limits.
    _text(
        SOFT,
        r"over ?quota|quota exceeded|mailbox (is )?full|insufficient (storage|disk space)",
        r"greylist|graylist|try (again )?later|temporar(il)?y|too many (connections|messages)",
    ),
    # Text that names a policy or reputation refusal.
    _text(
        BLOCK,
        r"spam|blocked|black ?list|block ?list|listed (at|on|in)|reputation|policy|dmarc",
        r"relay(ing)? (access )?denied|not permitted to relay",
    ),
    # Weaker text against the address, read after the refusals above that share its words
    # ("Recipient address rejected: Greylisted", "…: Rejected by spam filter").
    _text(
        HARD,
        r"recipient (address )?rejected|invalid (recipient|mailbox|address)|unroutable|unrouteable",
        r"no mailbox|(host|domain) (name )?not found",
    ),
    # Network trouble on the way (5.4.0-5.4.3) that the text did not explain: passing.
    _code(SOFT, r"5\.4\.\d+"),
    # A bare transient SMTP reply with no enhanced code.
    _text(SOFT, r"^\s*4\d\d\b"),
)


def classify(status: str | None, diagnostic: str | None, action: str | None = None) -> BounceClass:
    """The class of one recipient's failure from its enhanced status, diagnostic and DSN action."""
    if action is not None and action.strip().lower() == "delayed":
        return BounceClass.DELAYED
    text = diagnostic or ""
    code = _specific_code(status, text)
    for rule in _RULES:
        if rule.matches(code, text):
            return rule.verdict
    return BounceClass.UNKNOWN


def _specific_code(status: str | None, text: str) -> str:
    """The status code, or one from the text when the status is missing or only says 'failed'."""
    found = ENHANCED_CODE.search(status or "")
    code = found.group(1) if found else ""
    if not code or _GENERIC_CODE.fullmatch(code):
        in_text = ENHANCED_CODE.search(text)
        if in_text is not None:
            return in_text.group(1)
    return code
