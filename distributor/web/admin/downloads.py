"""Files the admin hands out (exports, a journalist's data): saved, never shown, never cached."""

from __future__ import annotations

from fastapi import Response


def attachment(content: bytes, media_type: str, filename: str) -> Response:
    """`content` as a download named `filename`."""
    return Response(
        content,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
