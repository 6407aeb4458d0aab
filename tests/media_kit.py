"""Media kit files made for tests: pictures drawn with Pillow, a small PDF, and release files
that name them."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

from PIL import Image
from sqlalchemy.orm import Session

from distributor.audit import SYSTEM
from distributor.config import Settings, load_settings
from distributor.models import Release
from distributor.releases.fileformat import read_release_file
from distributor.releases.media.store import attach_kit, prepare_kit
from distributor.releases.store import add_release

ORIENTATION = 0x0112
COPYRIGHT = 0x8298
MAKE = 0x010F
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def jpeg(
    path: Path,
    width: int = 3000,
    height: int = 2000,
    *,
    orientation: int | None = None,
    copyright_notice: str | None = None,
) -> Path:
    """A JPEG photo, optionally with an EXIF orientation, camera make and copyright notice."""
    picture = Image.new("RGB", (width, height), (200, 80, 40))
    exif = Image.Exif()
    exif[MAKE] = "Camera Maker"
    if orientation is not None:
        exif[ORIENTATION] = orientation
    if copyright_notice is not None:
        exif[COPYRIGHT] = copyright_notice
    picture.save(path, "JPEG", exif=exif, quality=90)
    return path


def png(path: Path, width: int = 800, height: int = 600) -> Path:
    Image.new("RGBA", (width, height), (10, 120, 200, 128)).save(path, "PNG")
    return path


def pdf(path: Path, padding: int = 0) -> Path:
    path.write_bytes(PDF + b"%" + b"x" * padding + b"\n" if padding else PDF)
    return path


def huge_png(path: Path, width: int = 100_000, height: int = 100_000) -> Path:
    """A PNG whose header claims `width` by `height` pixels, without the pixels (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    body = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + body)
    return path


def truncated_jpeg(path: Path) -> Path:
    buffer = io.BytesIO()
    Image.effect_noise((1200, 800), 64).convert("RGB").save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    return path


def release_file(
    folder: Path,
    *,
    images: str = "",
    documents: str = "",
    embargo: str | None = None,
    slug: str = "research-centre",
) -> Path:
    """A release file in `folder` with the given `images:` and `documents:` YAML blocks."""
    lines = ["---", "title: The ministry opens a research centre", f"slug: {slug}"]
    if embargo:
        lines.append(f"embargo: {embargo}")
    lines += [
        "contacts:",
        "  - name: Jo Press",
        "    email: jo.press@ministry.example",
    ]
    if images:
        lines += ["images:", images.rstrip("\n")]
    if documents:
        lines += ["documents:", documents.rstrip("\n")]
    lines += ["---", "The **ministry** opens a research centre in Lyon.", ""]
    path = folder / "release.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


KIT_IMAGES = """\
  - file: photo.jpg
    alt: The new research centre seen from the river
    caption: The research centre in Lyon.
    credit: Ana Photographer
    usage_terms: Free for editorial use with credit.
  - file: logo.png
    alt: The ministry's logo
"""
KIT_DOCUMENTS = """\
  - file: press-kit.pdf
    title: Press kit
"""


def kit_folder(folder: Path) -> Path:
    """A release file with a JPEG, a PNG and a PDF beside it."""
    jpeg(folder / "photo.jpg", copyright_notice="(c) Ana Photographer")
    png(folder / "logo.png")
    pdf(folder / "press-kit.pdf")
    return release_file(folder, images=KIT_IMAGES, documents=KIT_DOCUMENTS)


def add_kit_release(session: Session, path: Path, settings: Settings) -> Release:
    """Store the release file at `path` with its media kit, as `distributor releases add` does."""
    document = read_release_file(path)
    kit = prepare_kit(document, settings)
    release = add_release(session, document, SYSTEM)
    attach_kit(session, release, document, kit)
    session.flush()
    return release


def app_settings(session: Session, data_dir: Path, **overrides: str) -> Settings:
    """Settings for a web app over the test's database, with its media under `data_dir`."""
    values = {
        "DISTRIBUTOR_DATA_DIR": str(data_dir),
        "DISTRIBUTOR_DATABASE_URL": session.get_bind().url.render_as_string(hide_password=False),
        "DISTRIBUTOR_SECRET_KEY": "test-secret-0123456789abcdef0123456789",
        "DISTRIBUTOR_BASE_URL": "https://press.example.org",
    }
    values |= {f"DISTRIBUTOR_{name.upper()}": value for name, value in overrides.items()}
    return load_settings(values)
