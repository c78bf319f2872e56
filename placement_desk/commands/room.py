"""How much room a command's work needs, and saying so when the disk fills."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..dbfile import file_size, no_room
from ..errors import StorageError

ZIPPED = (".xlsx", ".xlsm", ".ods", ".zip")


def import_room(files: Iterable[Path]) -> int:
    """Room an import needs beside the database: its rows, their audit trail and the
    write-ahead log hold about three times the text read (ten for zipped files)."""
    return sum(file_size(p) * (10 if p.suffix.lower() in ZIPPED else 3) for p in files)


@contextlib.contextmanager
def room_for(doing: str, room: int) -> Iterator[None]:
    """Turn a full disk met during the block into a message naming the work and the room
    it needs (the larger of what was measured and ``room``)."""
    try:
        yield
    except StorageError as exc:
        if exc.folder is None or exc.needed is None:
            raise
        raise no_room(exc.folder, doing, max(exc.needed, room)) from None
