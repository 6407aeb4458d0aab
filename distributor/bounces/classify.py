"""Why one recipient's delivery failed: the reason named by the server's words, then its status code.

Every place that judges a failure (SMTP-time rejections, DSNs, non-standard
bounces, provider webhooks) asks `classify`, so a rule changes here and nowhere
else. Servers' own words are the surest evidence: a specific phrase ("mailbox
full", "blocked using zen.spamhaus.org", "sender address rejected") wins over a
status code, which many servers set generically (5.0.0, 5.1.1 for everything,
a wrapper's 5.1.0). The enhanced status code (RFC 3463) decides where no phrase
is known, and the SMTP command refused decides the rest: "user unknown" after
DATA is a content filter's answer, not a missing mailbox. The reason's class
(`distributor.models.reasons`) is what the policy acts on; a temporary (4xx)
failure is never hard.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from itertools import pairwise
from typing import NamedTuple

from distributor.models import REASONS, BounceClass, Reason

# An enhanced status code standing alone: not a piece of an IP address or a version number.
ENHANCED_CODE = re.compile(r"(?<![\w.])([245]\.\d{1,3}\.\d{1,3})(?!\.?\d)")
# An SMTP reply code where servers put one (first, or after "said:", "<<<", a quote), followed
# by words or an enhanced code: not a number in a sentence ("Size (in bytes): 222 lines").
REPLY_CODE = re.compile(
    r"(?:^|(?<=[:;>'\"(])|(?<=[:;>'\"(] )|(?<=said ))([45][0-5]\d)(?=[ \-:]+(?:[^\s\d]|[245]\.\d))"
)
_TEXT_CHARS = 4000  # of a diagnostic read by the phrase rules


class Verdict(NamedTuple):
    reason: Reason
    bounce_class: BounceClass


class _Phrases(NamedTuple):
    """Lower-case phrases, searched in lower-cased text (much faster than re.I).

    `anchors` are the words every alternative starts with: where none of them is in
    the text, the pattern cannot match and is not run (a plain substring test costs a
    fraction of the phrases' own search). None: some alternative starts with no plain
    word, so the pattern always runs.
    """

    pattern: re.Pattern[str]
    anchors: tuple[str, ...] | None


_LEADING_WORDS = re.compile(r"[\w '\",;:!@#%&=<>-]+")


def _anchors(alternative: str) -> set[str] | None:
    """Plain texts one of which an alternative must start with ("over ?quota" → "over",
    "(account|mailbox) disabled" → both words); None where one is under 3 characters."""
    while alternative.startswith(("\\b", "^")):
        alternative = alternative[2:] if alternative.startswith("\\b") else alternative[1:]
    if alternative.startswith("("):
        close = _closing(alternative)
        if close < 0 or alternative[close + 1 : close + 2] in ("?", "*", "{"):
            return None
        inner = alternative[1:close].removeprefix("?:")
        found: set[str] = set()
        for part in _alternatives(inner):
            anchors = _anchors(part)
            if anchors is None:
                return None
            found |= anchors
        return found
    leading = _LEADING_WORDS.match(alternative)
    literal = leading.group(0) if leading else ""
    if alternative[len(literal) : len(literal) + 1] in ("?", "*", "{"):
        literal = literal[:-1]  # its last character is optional
    return {literal} if len(literal) >= 3 else None


def _structure(pattern: str) -> Iterator[tuple[int, str, int]]:
    """Each character of a pattern outside escapes and classes, with the depth of groups
    it stands at (a group's parentheses stand at the depth outside it)."""
    depth, escaped, in_class = 0, False, False
    for index, char in enumerate(pattern):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        else:
            depth -= char == ")"
            yield index, char, depth
            depth += char == "("


def _closing(pattern: str) -> int:
    """Where the group opened by the pattern's first character closes; -1 if it does not."""
    return next((i for i, char, depth in _structure(pattern) if char == ")" and depth == 0), -1)


def _alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a pattern (its "|" outside parentheses and classes)."""
    bars = [i for i, char, depth in _structure(pattern) if char == "|" and depth == 0]
    bounds = [-1, *bars, len(pattern)]
    return [pattern[start + 1 : end] for start, end in pairwise(bounds)]


def _phrases(*patterns: str) -> _Phrases:
    anchors: set[str] | None = set()
    for pattern in patterns:
        for part in _alternatives(pattern):
            found = _anchors(part)
            anchors = None if found is None or anchors is None else anchors | found
    return _Phrases(
        re.compile("|".join(f"(?:{pattern})" for pattern in patterns)),
        None if anchors is None else tuple(sorted(anchors)),
    )


R = Reason
# First match wins: refusals that are not about the address come before the address's own
# faults that share their words ("Recipient address rejected: Mailbox full", "… blocked using").
_PHRASES: tuple[tuple[Reason, _Phrases], ...] = (
    (
        R.AUTH_FAILURE,
        _phrases(
            r"\bdmarc\b",
            r"\bspf\b.{0,40}(fail|record|check|policy)|(fail|not pass)\w*.{0,30}\bspf\b",
            r"\bdkim\b.{0,40}(fail|invalid)",
            r"(unauthenticated|not authenticated) (email|mail|message)",
            r"does not have authentication information",
            r"sender policy framework|authentication checks? failed",
        ),
    ),
    (R.HOST_UNKNOWN, _phrases(r"the account or domain may not exist")),
    (
        R.FILTERED,
        _phrases(
            r": user unknown(?<=\d : user unknown|: : user unknown)|recipient preferences|\bfiltered\b|content filter",
            r"domain-specified reception|rejected by (the )?recipient'?s? filter",
        ),
    ),
    (
        R.REQUIRE_PTR,
        _phrases(
            r"reverse dns|rdns|\bptr\b|reverse (lookup|name)",
            r"mismatches client ip|unverifiable sending ip|unverifyable sending ip",
            r"(no |without a?)(valid )?(reverse|ptr)",
            r"cannot find your hostname|client host .{0,40}not (found|resolve)",
            r"may not be mail exchanger",
            r"hostname .{0,40}(does not resolve|doesn't resolve)|host not found in dns",
        ),
    ),
    (
        R.BAD_REPUTATION,
        _phrases(
            r"unexpected volume or user complaints",
            r"(poor|low|bad) (ip |sender |domain )?reputation|reputation (is )?too low",
            r"sender score|\bip reputation\b",
        ),
    ),
    (
        R.TOO_MANY_CONNECTIONS,
        _phrases(
            r"too many (connections|concurrent|simultaneous|sessions)",
            r"connection (rate|frequency) limit|connection frequency limited",
            r"ip frequency limited|too many recipients\b(?! this hour)",
            r"concurrent connections? (limit|exceeded)",
        ),
    ),
    (
        R.SPEEDING,
        _phrases(
            r"rate limit|ratelimit|rate-limit|too fast|sending rate",
            r"too many (messages|emails|mails)\b|sent to too many recipients",
            r"throttl|(messages|mail) per (hour|minute)",
        ),
    ),
    (
        R.VIRUS_DETECTED,
        _phrases(r"virus|malware|infected|malicious (content|attachment)"),
    ),
    (
        R.SPAM_DETECTED,
        _phrases(
            r"\bspam\b(?! ?(issues|complaints))|\bubes?\b|junk mail|scored as spam",
            r"message content rejected|content (was )?rejected|rejected due to spam",
            r"blacklisted url|url in message|spamassassin|bulk mail|unsolicited",
            r"mail rejete",
        ),
    ),
    (
        R.BLOCKED,
        _phrases(
            r"blocked (using|by|for)|client host (\S+ )?(rejected|blocked)",
            r"black ?list|block ?list|deny ?list|dnsbl|\brbl\b|spamhaus|spamcop|sorbs|barracuda",
            r"invalid ip for sending|abuseat|cbl\.|listed (at|on|in|by)|banned sending ip|ip address .{0,30}(blocked|banned)",
            r"(your|the sending|sender|client|source) ip .{0,40}(blocked|rejected|banned|denied)",
            r"adresse ip source bloquee|host network not allowed|\bblocked\b(?<!account is blocked)",
            r"messages from \d+\.\d+\.\d+\.\d+ weren't sent|service not available.{0,40}no smtp",
            r"connection refused by|access denied.{0,40}ip|not allowed to (send|connect)",
        ),
    ),
    (
        R.NO_RELAYING,
        _phrases(
            r"relay(ing)? (access )?(denied|not permitted|prohibited)|not (configured|permitted) to relay",
            r"unable to relay|we do not relay|relay not permitted|no relaying|relaying denied",
            r"email address is not verified|identities failed the check",
        ),
    ),
    (
        R.REJECTED,
        _phrases(
            r"sender (address )?(rejected|refused|denied|blocked|not allowed)",
            r"domain of sender address .{0,80}(does not exist|not exist)|sender domain",
            r"unroutable sender|sender verify failed|sender address.{0,40}(invalid|unknown)",
            r"mail from .{0,80}(rejected|refused|not accepted)",
            r"(sending|sender) domain .{0,60}(not|no) (exist|resolve)",
            r"bad sender|invalid sender|unknown sender|sender is not allowed",
            r"address (that )?has been blacklisted|groups\.google\.com",
        ),
    ),
    (
        R.SECURITY_ERROR,
        _phrases(
            r"authentication (is )?required|authrequired|unauthenticated senders",
            r"(access|permission) denied|not authorized|unauthori[sz]ed",
            r"security (policy|policies|reason)|failed to delivery",
            r"tls required|must (use|issue) (a )?starttls|encryption required|smtp authentication",
        ),
    ),
    (
        R.FAILED_STARTTLS,
        _phrases(
            r"does not support (tls|starttls)|starttls (failed|error)|tls (handshake )?failed"
        ),
    ),
    (
        R.MESSAGE_TOO_BIG,
        _phrases(
            r"message (size )?(is )?too (big|large)(?! for this recipient)",
            r"size (exceeds|limit exceeded)|exceeds (the )?(maximum|max|fixed maximum|size)",
            r"(message|mail) size .{0,30}(exceed|too large|limit)|too much mail data",
        ),
    ),
    (
        R.EXCEED_LIMIT,
        _phrases(
            r"exceeds? limit set by recipient|recipsizelimit|too large for this recipient",
            r"message length exceeds",
        ),
    ),
    (
        R.MAILBOX_FULL,
        _phrases(
            r"mailbox (is |was )?full|mail ?box.{0,20}\bfull\b|mailfolder is full|inbox is full",
            r"over ?quota|quota (exceeded|exceed|full)|exceeded (the |his |her |its )?(storage|quota)",
            r"(disk|storage|mailbox) quota|out of storage|insufficient (storage|space)(?! .{0,20}try)",
            r"not enough (storage|space) .{0,20}(mailbox|account)|user has exhausted",
            r"boite (aux lettres )?pleine|postfach (ist )?voll|ящик переполнен",
            r"full mailbox|mailbox exceeds|exceeds (the )?mailbox|account is full",
            r"quotaexceeded|is over (the )?(storage )?(limit|quota)",
        ),
    ),
    (
        R.SYSTEM_FULL,
        _phrases(
            r"insufficient (disk |system )?(space|storage).{0,30}try|disk full|mail system full"
        ),
    ),
    (
        R.SUSPEND,
        _phrases(
            r"(account|mailbox|user|address)\b.{0,40}\b(disabled|suspended|inactive|deactivated|"
            r"locked|frozen|blocked|discontinued|expired|on hold)",
            r"(disabled|suspended|deactivated|locked|frozen|closed) (account|mailbox|"
            r"email address|user)",
            r"le compte .{0,30}bloque|temporary locked|mailbox is frozen|recipient suspended",
        ),
    ),
    (
        R.HAS_MOVED,
        _phrases(
            r"no longer (on (this )?server|with (us|the company)|at this address|employed|works?)",
            r"(has|have) (moved|left)|address (has )?changed|new (e-?mail )?address is",
        ),
    ),
    (
        R.NOT_ACCEPT,
        _phrases(
            r"does(n't| not) (receive|accept) (any )?e?mail|null mx|no smtp service",
            r"indicated no smtp service|not accepting (any )?mail|accepts no mail",
            r"mx .{0,20}(points to|is) (\.|invalid|localhost)|couldn't find a mail exchanger",
        ),
    ),
    (
        R.NETWORK_ERROR,
        _phrases(
            r"^dns error|\bdns error:|host not found, try again|temporary (dns|lookup) failure"
        ),
    ),
    (
        R.USER_UNKNOWN,
        _phrases(
            r"user (unknown|not found|does not exist|doesn't exist)|unknown (user|recipient|local)",
            r"no such (user|mailbox|recipient|address|account|person)",
            r"(mailbox|recipient|address|account|user) (does not|doesn't|did not) exist",
            r"(mailbox|recipient|address|addressee) (unknown|not found|unavailable|invalid|not valid)",
            r"invalid (recipient|mailbox|address|user)|recipient (address )?(invalid|not valid)",
            r"(doesn't|does not) have an? [\w.-]+ account|recipnotfound|recipientnotfound",
            r"(bad|illegal|unknown or illegal) (user|recipient|address|destination)",
            r"no mailbox (here )?by that name|mailbox not found|not a valid (mailbox|user|recipient)",
            r"inactive email address|account that you tried to reach does not exist",
            r"unknown address|undeliverable address|destinataire invalide|adresse .{0,30}invalide",
            r"address .{0,20}not (exist|found|known)|invalid (final delivery )?userid",
            r"no (valid )?(recipients?|mailbox)\b|unknown or invalid|(user|mailbox) .{0,10}unknown",
            r"not our customer|not listed in|no account|account .{0,20}not (exist|found)",
            r"recipient not found|recipient unknown|not a known user|unknown local part",
        ),
    ),
    (
        R.HOST_UNKNOWN,
        _phrases(
            r"host (unknown|not found)|unknown host|domain (unknown|not found|does not exist|"
            r"doesn't exist)|(host|domain) (name )?not found|no such (domain|host)",
            r"couldn't find any host|host \S+ not found|name service error|nxdomain|invalid domain|unknown domain",
            r"unrouteable (mail )?domain|unrouteable address|unroutable address|domain .{0,40}(not reachable|is not valid)|does not exist\b",
            r"no mx (record|host)|mx lookup|dns type 'mx'",
        ),
    ),
    (
        R.POLICY_VIOLATION,
        _phrases(
            r"polic(y|ies)|protocol violation|not allowed|prohibited|denied by",
            r"message not accepted|not permitted",
        ),
    ),
    (
        R.CONTENT_ERROR,
        _phrases(
            r"headers? too (large|long)|header error|message (is )?malformed|invalid (header|mime)",
            r"content (error|not accepted)|media (type )?not supported|8bit|8-bit",
        ),
    ),
    (
        R.NOT_COMPLIANT_RFC,
        _phrases(
            r"\brfc ?\d{3,4}\b|not (rfc|standard)|duplicate header|multiple .{0,20}addresses in from"
        ),
    ),
    (
        R.SYNTAX_ERROR,
        _phrases(
            r"syntax error|command (parameter )?not (implemented|recognized)|bad sequence",
            r"malformed address",
        ),
    ),
    (
        R.EXPIRED,
        _phrases(
            r"retry (time(out)?|period) exceeded|message expired|queue\.expired|too long in queue",
            r"(could not|couldn't|unable to) be delivered .{0,40}(days|hours)|delivery time expired",
            r"timed out|timeout|gave up|giving up|retried for|will be retried|delivery expired",
            r"not reachable|host not reachable|did not accept our requests to connect",
            r"(been|was) delayed|still not delivered|undeliverable for|failed \d+ attempts",
            r"have been failing for a long time|retry time not reached",
        ),
    ),
    (
        R.NETWORK_ERROR,
        _phrases(
            r"network|connection (refused|reset|lost|closed)|lost connection|dns error",
            r"routing loop|hop count|too many hops|mail loop|connect to|no route to host",
            r"name service|temporary (dns|lookup) failure",
        ),
    ),
    (
        R.MAILER_ERROR,
        _phrases(r"mailer error|procmail|child status|local delivery|pipe to|command died"),
    ),
    (
        R.SYSTEM_ERROR,
        _phrases(
            r"system (error|failure)|service (currently )?(unavailable|refused)|server error",
            r"internal error|temporary (failure|error)|local error|transaction failed",
            r"try (again )?later|could not load|try again",
        ),
    ),
    # Postfix's prefix for any refusal at RCPT: its own words, above, say more when there are any.
    (
        R.USER_UNKNOWN,
        _phrases(
            r"address rejected|recipient rejected|rejected recipient",
            r"(empfänger|adresse|postfach).{0,30}(unbekannt|nicht vorhanden)|нет такого|не существует",
            r"(destinataire|adresse).{0,30}(inexistant|n'existe pas)|(destinatario|dirección).{0,30}no existe",
        ),
    ),
)

# By status code where no phrase was found: full codes first, then the subject digit.
_BY_CODE: dict[str, Reason] = {
    "1.1": R.USER_UNKNOWN,
    "1.0": R.USER_UNKNOWN,
    "1.2": R.HOST_UNKNOWN,
    "1.3": R.USER_UNKNOWN,
    "1.4": R.USER_UNKNOWN,
    "1.5": R.USER_UNKNOWN,
    "1.6": R.HAS_MOVED,
    "1.7": R.REJECTED,
    "1.8": R.REJECTED,
    "1.9": R.SYSTEM_ERROR,
    "1.10": R.NOT_ACCEPT,
    "2.0": R.FILTERED,
    "2.1": R.SUSPEND,
    "2.2": R.MAILBOX_FULL,
    "2.3": R.EXCEED_LIMIT,
    "2.4": R.SYSTEM_ERROR,
    "3.0": R.SYSTEM_ERROR,
    "3.1": R.SYSTEM_FULL,
    "3.2": R.NOT_ACCEPT,
    "3.3": R.SYSTEM_ERROR,
    "3.4": R.MESSAGE_TOO_BIG,
    "3.5": R.SYSTEM_ERROR,
    "4.0": R.NETWORK_ERROR,
    "4.1": R.NETWORK_ERROR,
    "4.2": R.NETWORK_ERROR,
    "4.3": R.SYSTEM_ERROR,
    "4.4": R.HOST_UNKNOWN,
    "4.5": R.NETWORK_ERROR,
    "4.6": R.NETWORK_ERROR,
    "4.7": R.EXPIRED,
    "5.0": R.SYNTAX_ERROR,
    "5.1": R.SYNTAX_ERROR,
    "5.2": R.SYNTAX_ERROR,
    "5.3": R.TOO_MANY_CONNECTIONS,
    "5.4": R.SYNTAX_ERROR,
    "5.5": R.SYNTAX_ERROR,
    "6.0": R.CONTENT_ERROR,
    "7.0": R.SECURITY_ERROR,
    "7.1": R.SECURITY_ERROR,
    "7.7": R.SECURITY_ERROR,
    "7.8": R.SECURITY_ERROR,
    "7.9": R.SECURITY_ERROR,
    "7.13": R.SUSPEND,
    "7.17": R.HAS_MOVED,
    "7.18": R.SUSPEND,
    "7.23": R.AUTH_FAILURE,
    "7.24": R.AUTH_FAILURE,
    "7.25": R.REQUIRE_PTR,
    "7.26": R.AUTH_FAILURE,
    "7.27": R.NOT_ACCEPT,
}
_BY_SUBJECT: dict[str, Reason] = {
    "1": R.USER_UNKNOWN,
    "2": R.MAILBOX_FULL,
    "3": R.SYSTEM_ERROR,
    "4": R.NETWORK_ERROR,
    "5": R.SYNTAX_ERROR,
    "6": R.CONTENT_ERROR,
    "7": R.SECURITY_ERROR,
}
# Words that only a mailbox's absence produces, whichever command they answer.
_AT_RCPT = re.compile(
    r"recipient address rejected|recipient table|mailbox table|doesn't have an? \S+ account", re.I
)
# The opening of a mail system that took the message and refused it afterwards ("Message from
# example.com. Unable to deliver message to the following address(es).", no SMTP reply quoted).
TAKEN_THEN_REFUSED = "unable to deliver message to the following address(es)"
_PIPELINED = re.compile(r"need rcpt|no valid recipients", re.I)  # RCPT's answers read after DATA
# An address (matched from its first character only, so a long word is read once) or a link's path.
_NAMES = re.compile(
    r"(?<![^\s<>()\[\]\"',;])[^\s<>()\[\]\"',;@]++@[^\s<>()\[\]\"',;]+"
    r"|(?<=[a-z0-9])/[^\s<>()\[\]\"']*"
)
_MAILBOX_EXISTS = ("2.0", "2.1")  # RFC 3463: X.2.x is the mailbox's state, X.2.1 "disabled"
_POLICY_CODE = re.compile(r"(?<![\w.])5\.7\.\d{1,3}(?!\.?\d)")
_SHORT_DIAGNOSTIC = 20  # characters: a diagnostic this short says too little to go on alone
# The SMTP command a reply answered, as Postfix, Sendmail, Courier and Exim write it.
_COMMAND = re.compile(  # searched in lower-cased text
    r"in reply to (?:end of )?(data|rcpt to|mail from|ehlo|helo)|>>> ?(data|rcpt|mail|ehlo|helo)\b|"
    r"after (end of data|data|rcpt(?: to)?|mail(?: from)?|ehlo|helo)\b|"
    r"smtp command[-\s:]*(data|rcpt|mail|ehlo|helo)\b|my name (was rejected)|"  # qmail's HELO
    r"\[(rcpt_to|mail_from)\]"  # Yahoo's mark after the reply
)
_SUSPECT_CODE = re.compile(r"[45]\.0\.\d+|5\.1\.0|5\.5\.0")  # set by wrappers and generic MTAs


def classify(
    status: str | None,
    diagnostic: str | None,
    action: str | None = None,
    *,
    reply_code: str | None = None,
    context: str | None = None,
    taken: bool = False,
) -> Verdict:
    """The reason and class of one recipient's failure.

    `status` is the enhanced code, `diagnostic` the remote server's words,
    `action` the DSN's Action, `context` the bounce's prose around the address
    (read when the diagnostic says nothing specific, and for the SMTP command), `taken`
    whether the report's own layout says the reporting system took the message first.
    """
    text = (diagnostic or "")[:_TEXT_CHARS]
    around = (context or "")[:_TEXT_CHARS]
    action = (action or "").strip().lower()
    if action in ("delivered", "relayed", "expanded"):
        return _verdict(R.DELIVERED)
    code = specific_code(status, text)
    reason = _by_phrase(text)
    if reason is None and (len(text) < _SHORT_DIAGNOSTIC or not (code or REPLY_CODE.search(text))):
        reason = _by_phrase(around)  # the diagnostic is no server's reply: read the prose
    if reason is None and code and not code.endswith(".0.0"):
        reason = _BY_CODE.get(code[2:]) or _BY_SUBJECT.get(code[2:].split(".")[0])
    if reason is None:
        reason = R.EXPIRED if action == "delayed" else R.UNDEFINED
    if reason in (R.USER_UNKNOWN, R.HOST_UNKNOWN, R.UNDEFINED):
        reason = _by_command(reason, code, text, around, taken)
    verdict = _verdict(reason)
    if action == "delayed":
        return Verdict(reason, BounceClass.DELAYED)
    if verdict.bounce_class is BounceClass.HARD and _temporary(code, text, reply_code):
        return Verdict(reason, BounceClass.SOFT)
    if reason is R.UNDEFINED and _temporary(code, text, reply_code):
        return Verdict(R.ON_HOLD, BounceClass.SOFT)
    return verdict


def _by_command(reason: Reason, code: str, text: str, around: str, taken: bool) -> Reason:
    """A missing mailbox or domain, or no reason at all, read again with the SMTP command it
    answered: a refusal before any address was named is not about the address, and one after
    the system took the message (`taken`) is not either."""
    command = _command(text) or _command(around)
    if command == "helo":
        return R.BLOCKED  # our sending host was refused
    if reason is R.UNDEFINED:
        return reason
    if command == "mail":
        return R.REJECTED  # our sender was refused
    if reason is not R.USER_UNKNOWN:
        return reason
    if taken and command is None and not code:
        return R.FILTERED  # "no such user" after the message was taken is a filter's answer
    if code[2:] in _MAILBOX_EXISTS and command != "rcpt" and not _AT_RCPT.search(text):
        return (
            R.FILTERED
        )  # the code says the mailbox is there; nothing says the address was refused
    if (
        command == "data"
        and code != "5.1.1"  # the server's own word that the mailbox does not exist
        and not _PIPELINED.search(around)
        and not _AT_RCPT.search(text)
    ):
        return R.FILTERED  # a content filter's answer in the words of a missing address
    if _POLICY_CODE.search(text):
        return R.FILTERED  # the server's own code says policy (5.7.x), not a missing mailbox
    return reason


def _command(text: str) -> str | None:
    """The first SMTP command the text names as answered: "helo", "mail", "rcpt" or "data"."""
    found = _COMMAND.search(text.lower())
    if found is None:
        return None
    name = next(group for group in found.groups() if group)
    if name in ("ehlo", "helo", "was rejected"):
        return "helo"
    return "data" if "data" in name else name.replace("_", " ").split()[0]


def _verdict(reason: Reason) -> Verdict:
    return Verdict(reason, REASONS[reason].bounce_class)


def _by_phrase(text: str) -> Reason | None:
    """The reason the first matching rule names, in text without addresses and link paths
    (a mailbox or a help page may be named "filtered" or "user-unknown")."""
    if not text:
        return None
    text = text.lower()
    if "@" in text or "/" in text:
        text = _NAMES.sub(" ", text)
    return _first_rule(text)


@lru_cache(maxsize=2048)
def _first_rule(text: str) -> Reason | None:
    """Cached: one server's words, without their addresses, come back for every recipient
    of a send-out that it refused."""
    for reason, (pattern, anchors) in _PHRASES:  # unrolled: this loop is the classifier's cost
        if anchors is not None:
            for anchor in anchors:
                if anchor in text:
                    break
            else:
                continue  # none of its words: the pattern cannot match
        if pattern.search(text):
            return reason
    return None


def forget_phrases() -> None:
    """Empty the cache of rule searches (for a benchmark's fair passes)."""
    _first_rule.cache_clear()


def _temporary(code: str, text: str, reply_code: str | None) -> bool:
    if code:
        return code.startswith("4")
    found = reply_code or (match.group(1) if (match := REPLY_CODE.search(text)) else "")
    return found.startswith("4")


def specific_code(status: str | None, text: str) -> str:
    """The status code; one in the text wins over a missing or generic one (5.0.0, a wrapper's 5.1.0)."""
    found = ENHANCED_CODE.search(status or "")
    code = found.group(1) if found else ""
    if not code or _SUSPECT_CODE.fullmatch(code):
        for in_text in ENHANCED_CODE.finditer(text):
            if not _SUSPECT_CODE.fullmatch(in_text.group(1)):
                return in_text.group(1)
    return code


def reply_code_of(diagnostic: str | None) -> str | None:
    """The SMTP reply code a diagnostic starts with or quotes: "550"."""
    found = REPLY_CODE.search(diagnostic or "")
    return found.group(1) if found else None
