"""Checking an image for the media kit and rendering its web and email sizes with Pillow.

Pillow decodes the whole picture, so a damaged or truncated file is refused here
rather than shown broken; a picture of too many pixels (a decompression bomb, or
a scan no one should mail) is refused before it is decoded. The sizes are the
picture turned upright by its EXIF orientation, with its metadata left out but
for the copyright notice and the colour profile; the original is kept as given.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from distributor.errors import InvalidInput
from distributor.releases.media.names import RENDITIONS, WIDTHS, Size, rendition_type

# More pixels than a 90-megapixel camera gives is not a press photo; decoding it could
# take gigabytes of memory.
MAX_PIXELS = 90_000_000
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
_COPYRIGHT = 0x8298  # the EXIF tag kept in the sizes
_JPEG_QUALITY = 85


@dataclass(frozen=True)
class CheckedImage:
    """An image that decodes, with its sizes rendered."""

    content_type: str
    width: int  # upright, as shown
    height: int
    renditions: dict[Size, bytes]


def read_image(path: Path, where: str) -> CheckedImage:
    """Check and render the image at `path`; `where` names it in errors (file, line, field)."""
    image = _open(path, where)
    with image:
        try:
            image.load()
            upright = ImageOps.exif_transpose(image)
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
            raise InvalidInput(
                f"{where}: {path} is damaged or truncated ({exc}); export it again from the original"
            ) from None
        content_type = CONTENT_TYPES[str(image.format)]
        copyright_notice = image.getexif().get(_COPYRIGHT)
        profile = image.info.get("icc_profile")
        renditions = {
            size: _render(upright, WIDTHS[size], content_type, copyright_notice, profile)
            for size in RENDITIONS
        }
        return CheckedImage(content_type, upright.width, upright.height, renditions)


def _open(path: Path, where: str) -> Image.Image:
    try:
        with warnings.catch_warnings():
            # MAX_PIXELS below decides; Pillow's own warning comes earlier.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(path)
    except Image.DecompressionBombError:
        raise _too_many_pixels(path, where, None) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        reason = "Pillow cannot read it" if isinstance(exc, UnidentifiedImageError) else str(exc)
        raise InvalidInput(
            f"{where}: {path} is not an image ({reason}); give a JPEG, PNG, GIF or WebP file"
        ) from None
    if image.format not in CONTENT_TYPES:
        image.close()
        raise InvalidInput(
            f"{where}: {path} is a {image.format} image; give a JPEG, PNG, GIF or WebP file"
        )
    if image.width * image.height > MAX_PIXELS:
        image.close()
        raise _too_many_pixels(path, where, image.size)
    return image


def _too_many_pixels(path: Path, where: str, size: tuple[int, int] | None) -> InvalidInput:
    dimensions = f" {size[0]}×{size[1]} pixels," if size else ""  # noqa: RUF001 - the times sign
    return InvalidInput(
        f"{where}: {path} is{dimensions} more than {MAX_PIXELS // 1_000_000} megapixels; "
        "scale it down (2000 pixels wide is plenty for print at 17 cm)"
    )


def _render(
    image: Image.Image,
    width: int,
    content_type: str,
    copyright_notice: object,
    profile: object,
) -> bytes:
    """`image` at most `width` pixels wide, encoded without its metadata."""
    copy = image.copy()
    if copy.width > width:
        copy = copy.resize(
            (width, max(1, round(copy.height * width / copy.width))), Image.Resampling.LANCZOS
        )
    options: dict[str, object] = {"optimize": True}
    if isinstance(profile, bytes):
        options["icc_profile"] = profile
    if copyright_notice:
        exif = Image.Exif()
        exif[_COPYRIGHT] = copyright_notice
        options["exif"] = exif
    buffer = io.BytesIO()
    if rendition_type(content_type) == "image/jpeg":
        copy = copy.convert("RGB") if copy.mode not in ("RGB", "L") else copy
        copy.save(buffer, "JPEG", quality=_JPEG_QUALITY, progressive=True, **options)
    else:
        copy = copy.convert("RGBA") if copy.mode in ("P", "PA", "LA") else copy
        copy.save(buffer, "PNG", **options)
    return buffer.getvalue()
