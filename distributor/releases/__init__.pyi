from .fileformat import ReleaseDocument, parse_release, read_release_file, write_release
from .importing import (
    IMPORT_FORMATS,
    IMPORT_MAX_BYTES,
    HeldPictures,
    ImportedRelease,
    PictureHold,
    import_release,
    imported_text,
    pictures_named,
    save_pictures,
    with_held_pictures,
)
from .markup import body_html, sanitize_html
from .media.names import Size, media_url
from .media.serving import media_file
from .media.store import MediaStore, attach_kit, prepare_kit
from .newsroom import named_version, public_release, public_releases, readable_release, web_path
from .store import (
    add_release,
    count_releases,
    delete_release,
    get_release,
    list_releases,
    release_as_dict,
    release_document,
    unsaved_release,
    update_release_from_file,
)
from .zones import author_time, zone_named

__all__ = [
    "IMPORT_FORMATS",
    "IMPORT_MAX_BYTES",
    "HeldPictures",
    "ImportedRelease",
    "MediaStore",
    "PictureHold",
    "ReleaseDocument",
    "Size",
    "add_release",
    "attach_kit",
    "author_time",
    "body_html",
    "count_releases",
    "delete_release",
    "get_release",
    "import_release",
    "imported_text",
    "list_releases",
    "media_file",
    "media_url",
    "named_version",
    "parse_release",
    "pictures_named",
    "prepare_kit",
    "public_release",
    "public_releases",
    "read_release_file",
    "readable_release",
    "release_as_dict",
    "release_document",
    "sanitize_html",
    "save_pictures",
    "unsaved_release",
    "update_release_from_file",
    "web_path",
    "with_held_pictures",
    "write_release",
    "zone_named",
]
