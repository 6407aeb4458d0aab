from .attachments import attachment_options
from .compose import Addressee, PreparedRelease, compose_message
from .dkim import DkimSigner
from .mime import encode_part, encode_text, format_address
from .subjects import checked_subjects, other_languages, parse_subjects, with_subjects

__all__ = [
    "Addressee",
    "DkimSigner",
    "PreparedRelease",
    "attachment_options",
    "checked_subjects",
    "compose_message",
    "encode_part",
    "encode_text",
    "format_address",
    "other_languages",
    "parse_subjects",
    "with_subjects",
]
