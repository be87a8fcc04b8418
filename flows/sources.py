"""Find the inputs a user names (files, directories, globs) and read them in bounded slices.

A JSONL file (plain or gzipped) is read record by record: one slice is a run of its lines, so a
36k-record dump streams in batches instead of being loaded whole.
"""

from __future__ import annotations

import glob
import gzip
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

from corpus.detect import sniff_format
from corpus.records import RawDocument, Rejection

HEAD_BYTES = 8192
MAX_FILE_BYTES = 20_000_000
"""A larger single-document file is rejected: no article is that long."""
MAX_RECORD_BYTES = 5_000_000
"""A larger JSONL line is rejected (and skipped without being held in memory)."""
_GLOB_CHARS = set("*?[")


@dataclass(frozen=True)
class InputFile:
    path: str
    format: str
    gzipped: bool
    n_records: int
    line_offsets: tuple[tuple[int, int], ...] = ()
    """For JSONL: (line number, byte offset) of the first line of every slice."""


@dataclass(frozen=True)
class Slice:
    """Part of one input: a whole file, or `n_lines` lines of a JSONL file from `first_line`."""

    file: InputFile
    first_line: int = 1
    byte_offset: int = 0
    n_lines: int = 0
    n_records: int = 1


def discover(paths: Sequence[str], batch_records: int) -> tuple[list[InputFile], list[Rejection]]:
    """The readable input files under `paths`, each once, in a stable order; rejections for the rest.
    JSONL files are indexed every `batch_records` records, where their slices start."""
    files: list[InputFile] = []
    rejections: list[Rejection] = []
    seen: set[str] = set()
    for path in _expand(paths, rejections):
        absolute, real = os.path.abspath(path), os.path.realpath(path)
        if real in seen:
            continue
        seen.add(real)
        try:
            files.append(_inspect(absolute, batch_records))
        except OSError as error:
            rejections.append(Rejection(absolute, "unreadable", f"cannot read the file: {error.strerror or error}"))
    return files, rejections


def plan(files: Sequence[InputFile], batch_records: int) -> list[list[Slice]]:
    """Slices grouped in batches of about `batch_records` documents."""
    batches: list[list[Slice]] = [[]]
    size = 0
    for slice_ in _slices(files, batch_records):
        if size + slice_.n_records > batch_records and batches[-1]:
            batches.append([])
            size = 0
        batches[-1].append(slice_)
        size += slice_.n_records
    return [b for b in batches if b]


def read_slice(slice_: Slice) -> Iterator[RawDocument | Rejection]:
    """The documents of one slice, as raw bytes with their content hash."""
    file = slice_.file
    if file.format != "jsonl":
        size = os.path.getsize(file.path)
        if size > MAX_FILE_BYTES:
            yield Rejection(file.path, "too-large", f"the file holds {size:,} bytes; the limit is {MAX_FILE_BYTES:,}")
            return
        with _open_at(file, 0) as stream:
            content = stream.read(MAX_FILE_BYTES + 1)
        yield RawDocument.from_bytes(file.path, content, file.format)
        return
    with _open_at(file, slice_.byte_offset) as stream:
        for line_no in range(slice_.first_line, slice_.first_line + slice_.n_lines):
            line = stream.readline(MAX_RECORD_BYTES + 1)
            uri = f"{file.path}#{line_no}"
            if len(line) > MAX_RECORD_BYTES and not line.endswith(b"\n"):
                while line and not line.endswith(b"\n"):
                    line = stream.readline(MAX_RECORD_BYTES)
                yield Rejection(uri, "too-large", f"the line is longer than {MAX_RECORD_BYTES:,} bytes")
                continue
            line = line.rstrip(b"\r\n")
            if line.strip():
                yield RawDocument.from_bytes(uri, line, "jsonl")


def _expand(paths: Sequence[str], rejections: list[Rejection]) -> Iterator[str]:
    for arg in paths:
        if os.path.isdir(arg):
            yield from _walk(arg)
        elif os.path.lexists(arg):
            yield arg
        elif _GLOB_CHARS & set(arg):
            matches = sorted(glob.glob(arg, recursive=True))
            if not matches:
                rejections.append(Rejection(arg, "not-found", "the pattern matches no file"))
            for match in matches:
                yield from (_walk(match) if os.path.isdir(match) else [match])
        else:
            rejections.append(Rejection(arg, "not-found", "no such file or directory"))


def _walk(root: str) -> Iterator[str]:
    """Files under `root`, following directory links once each (a link loop is not walked twice);
    hidden files and folders are left out."""
    visited: set[tuple[int, int]] = set()
    for directory, subdirs, names in os.walk(root, followlinks=True):
        stat = os.stat(directory)
        if (stat.st_dev, stat.st_ino) in visited:
            subdirs[:] = []
            continue
        visited.add((stat.st_dev, stat.st_ino))
        subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
        for name in sorted(names):
            if not name.startswith("."):
                yield os.path.join(directory, name)


def _inspect(path: str, slice_records: int) -> InputFile:
    if not os.path.isfile(path):
        raise OSError(0, "not a regular file")
    with open(path, "rb") as stream:
        head = stream.read(HEAD_BYTES)
    gzipped = head.startswith(b"\x1f\x8b")
    if gzipped:
        with gzip.open(path, "rb") as stream:
            head = stream.read(HEAD_BYTES)
    name = path[:-3] if gzipped and path.endswith(".gz") else path
    fmt = sniff_format(head.decode("utf-8", errors="replace"), name)
    if fmt != "jsonl":
        return InputFile(path, fmt, gzipped, 1)
    n_records = 0
    offsets = [(1, 0)]
    position = 0
    stream = gzip.open(path, "rb") if gzipped else open(path, "rb")
    with stream:
        for line_no, line in enumerate(stream, start=1):
            if line.strip():
                n_records += 1
                if n_records % slice_records == 0:
                    offsets.append((line_no + 1, position + len(line)))
            position += len(line)
    return InputFile(path, fmt, gzipped, n_records, tuple(offsets) + ((line_no + 1 if n_records else 1, position),))


def _slices(files: Sequence[InputFile], batch_records: int) -> Iterator[Slice]:
    for file in files:
        if file.format != "jsonl":
            yield Slice(file)
            continue
        bounds = file.line_offsets
        for i, ((first_line, offset), (next_line, _)) in enumerate(zip(bounds, bounds[1:])):
            if next_line > first_line:
                n_records = min(batch_records, file.n_records - i * batch_records)
                yield Slice(file, first_line, offset, next_line - first_line, n_records)


class _GzipCursor:
    """Keeps the last gzip stream open, so that consecutive slices of one compressed file do not
    decompress it again from the start."""

    def __init__(self) -> None:
        self.path: str | None = None
        self.stream: gzip.GzipFile | None = None

    def at(self, path: str, offset: int) -> gzip.GzipFile:
        if self.stream is None or self.path != path or self.stream.tell() > offset:
            self.close()
            self.path, self.stream = path, gzip.open(path, "rb")
        self.stream.seek(offset)
        return self.stream

    def close(self) -> None:
        if self.stream is not None:
            self.stream.close()
        self.path, self.stream = None, None


_gzip_cursor = _GzipCursor()


@contextmanager
def _open_at(file: InputFile, offset: int) -> Iterator[IO[bytes]]:
    if file.gzipped and file.format == "jsonl":
        yield _gzip_cursor.at(file.path, offset)
        return
    with (gzip.open(file.path, "rb") if file.gzipped else open(file.path, "rb")) as stream:
        stream.seek(offset)
        yield stream
