"""Reading files whole, bounded, in as few system calls as the file allows.

`open(path).read(limit + 1)` allocates a buffer of the limit for every file
(2 MiB for a record of 2 KiB), which the allocator maps, shrinks and unmaps
again: on 10,000 records that was most of `aims check`'s system time. Here a
file's size is asked once and the file is read in one call of that size.
"""

from __future__ import annotations

import hashlib
import os

#: Markdown files (records, people) larger than this are refused: a located error, never a hang.
MAX_FILE_BYTES = 2 * 1024 * 1024
#: Files up to this size are hashed from one read; larger ones are streamed.
_WHOLE = 1 << 20


class TooLarge(Exception):
    """The file is larger than the limit it was read with."""


def read_bounded(path: str | os.PathLike[str], limit: int) -> bytes:
    """The file's bytes; `TooLarge` beyond `limit`, `OSError` as opening and reading raise it."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        size = os.fstat(fd).st_size
        if size > limit:
            raise TooLarge(path)
        data = os.read(fd, size + 1)
        if len(data) <= size:  # a regular file's read stops short only at its end
            return data
        # It grew since it was measured, or it is not a regular file: read on, bounded.
        parts, total = [data], len(data)
        while total <= limit and (chunk := os.read(fd, 1 << 16)):
            parts.append(chunk)
            total += len(chunk)
        if total > limit:
            raise TooLarge(path)
        return b"".join(parts)
    finally:
        os.close(fd)


def file_sha256(path: str | os.PathLike[str]) -> str:
    """The SHA-256 of a file's bytes (hex): small files from one read, large ones streamed."""
    try:
        return hashlib.sha256(read_bounded(path, _WHOLE)).hexdigest()
    except TooLarge:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
