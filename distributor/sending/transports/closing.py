"""What every transport shares: used as `with transport:`, it closes when the block ends."""

from __future__ import annotations

from types import TracebackType
from typing import Self


class ClosesOnExit:
    """Mix-in for a class with a `close()` method."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
