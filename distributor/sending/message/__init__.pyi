from .attachments import attachment_options
from .compose import Addressee, PreparedRelease, compose_message
from .dkim.records import DkimRecord, dkim_records
from .dkim.signer import DkimSigner
from .mime import encode_part, encode_text, format_address
from .subjects import checked_subjects, other_languages, parse_subjects, with_subjects

__all__ = [
    "Addressee",
    "DkimRecord",
    "DkimSigner",
    "PreparedRelease",
    "attachment_options",
    "checked_subjects",
    "compose_message",
    "dkim_records",
    "encode_part",
    "encode_text",
    "format_address",
    "other_languages",
    "parse_subjects",
    "with_subjects",
]
