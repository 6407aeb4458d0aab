"""A Word document (.docx) read into blocks, through mammoth's HTML."""

from __future__ import annotations

import io

import mammoth

from distributor.releases.importing.blocks import Block
from distributor.releases.importing.html_reading import read_html

# Word's own styles for the parts a release has; headings keep mammoth's defaults.
_STYLE_MAP = """
p[style-name='Title'] => h1.title:fresh
p[style-name='Subtitle'] => p.subtitle:fresh
p[style-name='Caption'] => p.caption:fresh
p[style-name='Quote'] => blockquote > p:fresh
p[style-name='Intense Quote'] => blockquote > p:fresh
"""


def read_word(content: bytes) -> list[Block]:
    """The document's blocks; pictures come embedded (mammoth's data: URIs)."""
    result = mammoth.convert_to_html(io.BytesIO(content), style_map=_STYLE_MAP)
    return read_html(str(result.value))
