"""Reading an auto-reply or bounce that says a journalist moved on: their new address, or a
colleague's, with the name and outlet the text gives.

`moved_notice` is pure and cheap: it reads only the first few KB of the message's own
words (never the quoted release), with regexes compiled once, so intake may call it on
every attributed auto-reply and bounce. It proposes nothing unless the text says the
person left (or, outside an ordinary absence notice, says whom to contact instead).
`suggest_from_message` leaves what it reads as a suggestion for an admin (`contacts.moves`).
"""

# ruff: noqa: RUF001 - phrases in Russian, German, French and Spanish, typographic apostrophes

from __future__ import annotations

import email
import re
from collections.abc import Collection, Iterator
from email.message import Message
from email.policy import compat32
from email.utils import parseaddr

from sqlalchemy.orm import Session

from distributor.addresses import InvalidAddress, parse_address
from distributor.bounces.mail_text import decoded, html_as_text
from distributor.config import Settings
from distributor.contacts import MovedNotice, suggest_move
from distributor.models import BounceClass, MoveSuggestion

# What intake reads for a move: auto-replies, and bounces whose MTA or mailbox says more.
READ_CLASSES = frozenset(
    {BounceClass.AUTO_REPLY, BounceClass.HARD, BounceClass.SOFT, BounceClass.UNKNOWN}
)
RAW_LIMIT = 64 * 1024  # bytes of a message parsed: its own words come before any returned copy
TEXT_LIMIT = 4096  # characters of those words searched
EVIDENCE_LIMIT = 500
_NAME_WINDOW = 80  # characters before an address searched for the name of its owner

_PART_TYPES = ("text/plain", "text/html")
_ATTACHED = ("message/rfc822", "message/global", "text/rfc822-headers")
_HTML_BREAK = re.compile(r"<\s*(?:br|/p|/div|/tr|/li)\b[^<>]{0,200}>", re.I)
_HTML_HIDDEN = re.compile(r"<(style|script|head)\b.{0,20000}?</\1\s*>", re.I | re.S)
# Where the message's own words end and a copy of what it answers begins.
_QUOTED = re.compile(
    r"^[ \t]*(?:-{2,}|_{2,})[ \t]*(?:original message|forwarded message|ursprüngliche nachricht|"
    r"weitergeleitete nachricht|исходное сообщение|пересылаемое сообщение|message d['’]origine|"
    r"message transféré|mensaje original|mensaje reenviado)"
    r"|^[ \t]*_{10,}[ \t]*$"
    r"|^[ \t]*(?:on|am|le|el)\b[^\n]{0,200}\b(?:wrote|schrieb|a écrit|escribió)[ \t]*:[ \t]*$"
    r"|^[^\n]{0,200}\b(?:пишет|написал|написала)[ \t]*:[ \t]*$"
    r"|^[ \t]*(?:from|von|de|от)[ \t]*:[^\n]*\n[ \t]*(?:sent|date|gesendet|datum|envoyé|"
    r"enviado|fecha|отправлено|дата)[ \t]*:",
    re.I | re.M,
)
_QUOTE_LINE = re.compile(r"^[ \t]*>[^\n]*\n?", re.M)

# The phrases below are matched in lower-cased text, and start no branch with \b: that lets
# the regex engine skip ahead to the letters a phrase can begin with (ten times faster);
# `_phrase` checks that a match begins a word.
# Saying the person left: enough on its own, even beside words of an absence.
_LEFT = re.compile(
    r"no longer (?:with|at|working|works|work|employed|part of|a member of|in use|monitored|"
    r"active|checked|be reached)\b"
    r"|left the (?:company|newspaper|paper|magazine|station|publication|agency|organi[sz]ation|"
    r"editorial|newsroom|desk|team)\b"
    r"|(?:my|his|her|their|the) new (?:e-?mail |work )?(?:address|e-?mail)\b"
    r"|(?:is|am) now (?:with|at|working)\b|has (?:moved|changed jobs)\b"
    r"|больше не (?:работа\w*|сотрудни\w*|используется|обслуживается)|уволил(?:ся|ась)\b"
    r"|покинул(?:а|и)?\b|нов(?:ый|ая|ой) (?:электронн\w+ )?(?:адрес|почт\w+|e-?mail)"
    r"|теперь работа\w*|переш(?:ёл|ел|ла|ли) (?:в|на)\b"
    r"|nicht mehr (?:bei|für|im|in der|in unserem|im unternehmen|teil|tätig|erreichbar)\b"
    r"|ausgeschieden\b|neue (?:e-?mail-?)?adresse\b|neue e-?mail\b"
    r"|(?:arbeite|arbeitet|bin|ist) (?:jetzt|nun|inzwischen) (?:bei|für)\b"
    r"|ne (?:fait|travaille) plus\b|n['’](?:est|suis) plus (?:chez|à|au|avec|en poste|"
    r"joignable|membre)\b|(?:a|ai) quitté\b|nouvelle adresse\b|travaille désormais\b"
    r"|ya no (?:trabaja|trabajo|forma parte|formo parte|está en|estoy en|pertenece)\b"
    r"|(?:ha|he) dejado (?:de trabajar|la|el)\b|nuev[oa] (?:dirección|correo)\b"
    r"|ahora trabaj[oa] (?:en|para)\b|me he incorporado\b",
)
# Saying whom to write to instead: a move only where no absence is announced.
_CONTACT = re.compile(
    r"please (?:contact|write to|e-?mail|reach out to|get in touch with|direct)\b"
    r"|(?:can|may) (?:now )?be reached at\b|(?:has|have) left\b"
    r"|обращайтесь\b|пишите (?:на|по)\b|свяжитесь\b|направляйте\b"
    r"|wenden sie sich (?:bitte )?an\b|kontaktieren sie (?:bitte )?\b|bitte an\b"
    r"|(?:hat|habe)\b[^.\n]{0,60}\bverlassen\b"
    r"|veuillez (?:contacter|écrire|vous adresser)\b|merci de (?:contacter|vous adresser|"
    r"écrire)\b|contactez\b"
    r"|por favor,? (?:contacte|contacta|escriba|escribe|diríjase)\b|póngase en contacto\b"
    r"|contacte con\b|escriba a\b",
)
# An ordinary absence: back on Monday, on leave until the 5th.
_ABSENCE = re.compile(
    r"back (?:on|in|at|next|from)\b|return(?:ing)? (?:on|to the office)\b|out of (?:the )?office\b"
    r"|on (?:\w+ )?leave\b|vacation\b|holidays?\b|until\b|away (?:from|until)\b"
    r"|в отпуске\b|вернусь\b|отсутству\w*|до \d|командировк\w*|не в офисе\b"
    r"|urlaub\w*|zurück\b|abwesen\w*|abwesenheit\b|bis (?:zum|einschließlich|\d)"
    r"|außer haus\b|nicht im büro\b"
    r"|de retour\b|absente?\b|congés?\b|vacances\b|jusqu['’]"
    r"|de vuelta\b|regres\w*|vacaciones\b|ausente\b|fuera de la oficina\b"
    r"|hasta el\b|volveré\b",
)
_ADDRESS = re.compile(
    r"(?<![\w.%+'-])[\w.%+'-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]*\.)+[A-Za-z]{2,24}\b"
)
_OUTLET = re.compile(
    r"(?i:\bjoined|\bnow (?:work(?:ing)? )?(?:at|for|with)|\bmoved to|\bnew (?:role|position|job) at"
    r"|\b(?:jetzt|nun) (?:bei(?:m)?|für|zu(?:m|r)?)|\bwechsel\w* (?:zu(?:m|r)?|in die|an die)"
    r"|\bтеперь работа\w* (?:в|на)|\bпереш(?:ёл|ел|ла|ли) (?:в|на)"
    r"|\brejoint|\bdésormais (?:à|pour|chez|au)|\bmaintenant (?:à|pour|chez|au)"
    r"|\bahora trabaj[oa] (?:en|para)|\bme he incorporado a|\bme incorporo a)"
    r"\s+(?:(?:the|der|die|das|den|la|le|les|el|los|las|l['’])\s+)?"
    r"(?:(?:газет[уаы]|журнал|редакци[юя]|издани[ея]|агентств[оа]|канал)\s+)?"
    r"(?P<outlet>[«\"“„][^«»\"“”„\n]{2,60}[»\"”“]"
    r"|[A-ZÀ-ÖØ-ÞА-ЯЁ][\w&'’-]*(?:[ \t]+(?:[A-ZÀ-ÖØ-ÞА-ЯЁ][\w&'’-]*|de|del|di|du|am|im|of))"
    r"{0,3})",
)
_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’-](?=[^\W\d_]))*")
_IN_PARENTHESES = re.compile(r"\s*\(([^()\d\n]{3,60})\)")
_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n[ \t]*\n")
_SPACES = re.compile(r"\s+")

# Words that stand before a name and are not part of it, lower-case.
_CONNECTORS = frozenset(
    [
        "at",
        "to",
        "on",
        "via",
        "under",
        "unter",
        "an",
        "à",
        "a",
        "en",
        "por",
        "per",
        "по",
        "адресу",
        "адрес",
        "email",
        "e-mail",
        "mail",
        "mailto",
        "address",
        "adresse",
        "dirección",
        "correo",
        "la",
        "le",
        "el",
        "de",
    ]
)
_NOT_NAMES = frozenset(
    [
        "please",
        "contact",
        "colleague",
        "my",
        "our",
        "his",
        "her",
        "their",
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "frau",
        "herr",
        "kollegin",
        "kollege",
        "kollegen",
        "bitte",
        "sie",
        "wenden",
        "kontaktieren",
        "veuillez",
        "merci",
        "contacter",
        "contactez",
        "collègue",
        "mon",
        "ma",
        "notre",
        "monsieur",
        "madame",
        "por",
        "favor",
        "contacte",
        "mi",
        "compañera",
        "compañero",
        "colega",
        "señor",
        "señora",
        "sr",
        "sra",
        "коллега",
        "коллеге",
        "коллегу",
        "мой",
        "моя",
        "моему",
        "моей",
        "обращайтесь",
        "пишите",
        "свяжитесь",
        "к",
        "господин",
        "госпожа",
        "email",
        "e-mail",
        "mail",
        "tel",
        "phone",
        "telefon",
        "téléphone",
        "teléfono",
        "телефон",
        "fax",
        "mobile",
        "mobil",
        "handy",
        "editor",
        "redakteur",
        "redakteurin",
        "reporter",
        "journalist",
        "journalistin",
        "correspondent",
        "korrespondent",
        "korrespondentin",
        "rédacteur",
        "rédactrice",
        "journaliste",
        "redactor",
        "redactora",
        "periodista",
        "редактор",
        "корреспондент",
        "журналист",
        "журналистка",
        "the",
        "new",
        "neue",
        "nouvelle",
        "nueva",
        "новый",
        "новая",
        "address",
        "adresse",
        "dirección",
        "адрес",
    ]
)
# Addresses that are never a person's.
_MACHINES = frozenset(
    [
        "postmaster",
        "mailer-daemon",
        "noreply",
        "no-reply",
        "donotreply",
        "do-not-reply",
        "bounce",
        "bounces",
        "abuse",
        "hostmaster",
        "webmaster",
        "auto-reply",
        "autoreply",
    ]
)
# A desk's or a department's address: proposed only where the text says to write to it.
_ROLES = frozenset(
    [
        "info",
        "office",
        "contact",
        "kontakt",
        "press",
        "presse",
        "pressestelle",
        "media",
        "medien",
        "news",
        "newsroom",
        "desk",
        "redaktion",
        "redaction",
        "rédaction",
        "redaccion",
        "redazione",
        "editor",
        "editors",
        "editorial",
        "admin",
        "support",
        "hello",
        "mail",
        "team",
        "sekretariat",
        "secretariat",
        "reception",
        "empfang",
        "service",
        "general",
        "enquiries",
        "inquiries",
        "feedback",
        "tips",
        "leserbriefe",
        "letters",
        "kultur",
        "culture",
        "sport",
        "politik",
        "politics",
        "wirtschaft",
        "economy",
    ]
)


def moved_notice(
    raw: bytes, *, old_email: str | None = None, own_domains: Collection[str] = ()
) -> MovedNotice | None:
    """What `raw` (an auto-reply or a bounce) says about a journalist moving on, if anything.

    The sender, `old_email` (the address we wrote to) and addresses at `own_domains` are
    never proposed.
    """
    message = email.message_from_bytes(raw[:RAW_LIMIT], policy=compat32)
    sender = parseaddr(str(message.get("from", "")))[1]
    return moved_notice_in_text(
        own_words(message), ignored=(old_email or "", sender), own_domains=own_domains
    )


def suggest_from_message(
    session: Session,
    raw: bytes,
    *,
    delivery_id: int,
    old_email: str,
    bounce_record_id: int | None,
    settings: Settings,
) -> MoveSuggestion | None:
    """A suggestion from an auto-reply or bounce of `delivery_id`, if it says its journalist left."""
    own = (
        settings.envelope_domain,
        _domain(settings.from_address),
        _domain(settings.reply_address),
    )
    notice = moved_notice(raw, old_email=old_email, own_domains=own)
    if notice is None:
        return None
    return suggest_move(
        session, delivery_id=delivery_id, bounce_record_id=bounce_record_id, notice=notice
    )


def may_say_moved(words: str) -> bool:
    """Whether decoded words of a message use a phrase of moving on at all: a cheap test that
    spares reading the message again for the many bounces and auto-replies that do not."""
    lowered = words.lower()
    return _phrase(_LEFT, lowered) is not None or _phrase(_CONTACT, lowered) is not None


def moved_notice_in_text(
    text: str, *, ignored: Collection[str] = (), own_domains: Collection[str] = ()
) -> MovedNotice | None:
    """What the words of a message say about a journalist moving on; see `moved_notice`."""
    text = text[:TEXT_LIMIT]
    lowered = text.lower()
    if len(lowered) != len(text):  # a letter whose lower case is longer: positions would shift
        lowered = text
    left = _phrase(_LEFT, lowered)
    contact = _phrase(_CONTACT, lowered)
    if left is None and (contact is None or _phrase(_ABSENCE, lowered) is not None):
        return None
    trigger = min((t for t in (left, contact) if t is not None), key=lambda t: t.start())
    skip = {_normalized(address) for address in ignored if address}
    domains = {domain.lower().strip(".") for domain in own_domains if domain}
    candidates = [
        (found, address)
        for found in _ADDRESS.finditer(text)
        if (address := _normalized(found.group(0))) is not None
        and address not in skip
        and _acceptable(address, domains, roles_allowed=contact is not None)
    ]
    after = [c for c in candidates if c[0].start() >= trigger.start()]
    chosen = after[0] if after else (candidates[-1] if candidates else None)
    if chosen is None:
        return None
    found, address = chosen
    start = _sentence_start(text, min(trigger.start(), found.start()))
    end = _sentence_end(text, max(trigger.end(), found.end()))
    return MovedNotice(
        new_email=address,
        name=_name_before(text, found.start(), start) or _name_after(text, found.end()),
        outlet=_outlet(text),
        evidence=_SPACES.sub(" ", text[start:end]).strip()[:EVIDENCE_LIMIT],
    )


def own_words(message: Message) -> str:
    """The message's first text, HTML as plain text, without what it quotes."""
    for part in _leaves(message):
        if part.get_content_type() not in _PART_TYPES:
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        text = decoded(payload[: 4 * TEXT_LIMIT], part.get_content_charset())
        if part.get_content_type() == "text/html":
            text = _HTML_BREAK.sub("\n", _HTML_HIDDEN.sub(" ", text))
            text = html_as_text(text)
        text = text.replace("\r\n", "\n")
        text = _QUOTED.split(text, maxsplit=1)[0]
        return _QUOTE_LINE.sub("", text)[:TEXT_LIMIT]
    return ""


def _leaves(message: Message) -> Iterator[Message]:
    """The parts that are not multipart, without entering an attached (returned) message."""
    if message.get_content_type() in _ATTACHED:
        return
    if message.is_multipart():
        for part in message.get_payload():
            if isinstance(part, Message):
                yield from _leaves(part)
    else:
        yield message


def _phrase(pattern: re.Pattern[str], lowered: str) -> re.Match[str] | None:
    """The first match of `pattern` that begins a word."""
    found = pattern.search(lowered)
    while found is not None and found.start() > 0 and lowered[found.start() - 1].isalnum():
        found = pattern.search(lowered, found.start() + 1)
    return found


def _normalized(address: str) -> str | None:
    try:
        return parse_address(address).email
    except InvalidAddress:
        return None


def _acceptable(address: str, own_domains: set[str], *, roles_allowed: bool) -> bool:
    local, _, domain = address.rpartition("@")
    if any(domain == own or domain.endswith("." + own) for own in own_domains):
        return False
    if local in _MACHINES:
        return False
    return roles_allowed or local not in _ROLES


def _sentence_start(text: str, position: int) -> int:
    ends = [m.end() for m in _SENTENCE_END.finditer(text, 0, position)]
    return ends[-1] if ends else 0


def _sentence_end(text: str, position: int) -> int:
    found = _SENTENCE_END.search(text, position)
    return found.start() + 1 if found else len(text)


def _name_before(text: str, address_start: int, sentence_start: int) -> str | None:
    """The name written just before an address ("Maria López <maria@…>"), if one is."""
    window_start = max(sentence_start, address_start - _NAME_WINDOW)
    words = list(_WORD.finditer(text, window_start, address_start))
    name: list[str] = []
    boundary = address_start  # where the words read so far begin
    for word in reversed(words):
        gap = text[word.end() : boundary]
        token = word.group(0)
        if any(c.isdigit() for c in gap):
            break  # a phone number or a date stands between: not a name for this address
        if not name and token.lower() in _CONNECTORS:
            boundary = word.start()
            continue
        if name and not gap.isspace():
            break  # punctuation ends a name
        if "\n" in gap and name:
            break  # a name is on one line
        if not _name_like(token):
            break
        name.insert(0, token)
        boundary = word.start()
    return " ".join(name) if 2 <= len(name) <= 4 else None


def _name_after(text: str, address_end: int) -> str | None:
    """The name in parentheses right after an address ("maria@… (Maria López)"), if one is."""
    found = _IN_PARENTHESES.match(text, address_end)
    if found is None:
        return None
    tokens = found.group(1).split()
    return " ".join(tokens) if 2 <= len(tokens) <= 4 and all(map(_name_like, tokens)) else None


def _name_like(token: str) -> bool:
    return (
        token[:1].isupper()
        and not (len(token) > 1 and token.isupper())
        and token.lower() not in _NOT_NAMES
        and _WORD.fullmatch(token) is not None
    )


def _outlet(text: str) -> str | None:
    found = _OUTLET.search(text)
    if found is None:
        return None
    outlet = found.group("outlet").strip('«»"“”„ \t.,;:')
    return outlet[:200] or None


def _domain(address: str) -> str:
    return parseaddr(address)[1].rpartition("@")[2].lower()
