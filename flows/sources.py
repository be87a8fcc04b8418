"""Find the inputs a user names (files, directories, globs) and read them in bounded slices.

A JSONL file (plain or gzipped) is read record by record: one slice is a run of its lines, so a
36k-record dump streams in batches instead of being loaded whole.
"""

from __future__ import annotations

import errno
import glob
import gzip
import os
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

from corpus.read.decode import decode_head
from corpus.read.detect import sniff_format
from corpus.records import RawDocument, Rejection

HEAD_BYTES = 8192
MAX_FILE_BYTES = 20_000_000
"""A larger single-document file is rejected: no article is that long."""
MAX_RECORD_BYTES = 5_000_000
"""A larger JSONL line is rejected (and skipped without being held in memory)."""
_GLOB_CHARS = set("*?[")
_GZIP_ERRORS = (EOFError, zlib.error, gzip.BadGzipFile)
"""What reading a truncated or corrupt gzip stream raises (EOFError and zlib.error are no OSError)."""


class _Refused(Exception):
    """An input that `_inspect` turns down, with the reason and detail of its `Rejection`."""

    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason, self.detail = reason, detail


@dataclass(frozen=True)
class InputFile:
    path: str
    format: str
    gzipped: bool
    n_records: int
    line_offsets: tuple[tuple[int, int], ...] = ()
    """For JSONL: (line number, byte offset) of the first line of every slice."""

    @property
    def uri(self) -> str:
        return _uri(self.path)


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
            file = _inspect(absolute, batch_records)
        except _Refused as refusal:
            rejections.append(Rejection(_uri(absolute), refusal.reason, refusal.detail))
        except OSError as error:
            rejections.append(Rejection(_uri(absolute), "unreadable", f"cannot read the file: {error.strerror or error}"))
        else:
            files.append(file)
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
    """The documents of one slice, as raw bytes with their content hash. A file that fails to read is a
    rejection; so are the lines of a gzipped JSONL file from where its stream breaks off."""
    file = slice_.file
    if file.format != "jsonl":
        try:
            size = os.path.getsize(file.path)
            if size <= MAX_FILE_BYTES:
                with _open_at(file, 0) as stream:
                    content = stream.read(MAX_FILE_BYTES + 1)
                size = len(content)
        except _GZIP_ERRORS as error:
            yield Rejection(file.uri, "corrupt", f"the gzip stream is truncated or corrupt ({error})")
            return
        except OSError as error:
            yield Rejection(file.uri, "unreadable", f"reading failed: {error.strerror or error}")
            return
        if size > MAX_FILE_BYTES:
            holds = f"decompresses to more than {MAX_FILE_BYTES:,}" if file.gzipped else f"holds {size:,}"
            yield Rejection(file.uri, "too-large", f"the file {holds} bytes; the limit is {MAX_FILE_BYTES:,}")
            return
        yield RawDocument.from_bytes(file.uri, content, file.format)
        return
    line_no = slice_.first_line
    try:
        with _open_at(file, slice_.byte_offset) as stream:
            for line_no in range(slice_.first_line, slice_.first_line + slice_.n_lines):
                line = stream.readline(MAX_RECORD_BYTES + 1)
                uri = f"{file.uri}#{line_no}"
                if len(line) > MAX_RECORD_BYTES and not line.endswith(b"\n"):
                    while line and not line.endswith(b"\n"):
                        line = stream.readline(MAX_RECORD_BYTES)
                    yield Rejection(uri, "too-large", f"the line is longer than {MAX_RECORD_BYTES:,} bytes")
                    continue
                line = line.rstrip(b"\r\n")
                if line.strip():
                    yield RawDocument.from_bytes(uri, line, "jsonl")
    except _GZIP_ERRORS as error:
        yield Rejection(f"{file.uri}#{line_no}", "corrupt",
                        f"the gzip stream is truncated or corrupt from this line on ({error})")


def _expand(paths: Sequence[str], rejections: list[Rejection]) -> Iterator[str]:
    for arg in paths:
        if os.path.isdir(arg):
            yield from _walk_named(arg, rejections)
        elif os.path.lexists(arg):
            yield arg
        elif _GLOB_CHARS & set(arg):
            matches = sorted(glob.glob(arg, recursive=True))
            if not matches:
                rejections.append(Rejection(_uri(arg), "not-found", "the pattern matches no file"))
            for match in matches:
                yield from (_walk(match, rejections) if os.path.isdir(match) else [match])
        else:
            rejections.append(Rejection(_uri(arg), "not-found", "no such file or directory"))


def _walk_named(root: str, rejections: list[Rejection]) -> Iterator[str]:
    """`_walk`, and a rejection if a directory the user named holds no file: a run that reads nothing says so."""
    found = False
    for path in _walk(root, rejections):
        found = True
        yield path
    if not found:
        rejections.append(Rejection(_uri(os.path.abspath(root)), "not-found", "the directory holds no input file"))


def _walk(root: str, rejections: list[Rejection]) -> Iterator[str]:
    """Files under `root`, following directory links once each (a link loop is not walked twice);
    hidden files and folders are left out, and a folder that cannot be listed is a rejection."""
    visited: set[tuple[int, int]] = set()

    def unlistable(error: OSError) -> None:
        where = os.path.abspath(error.filename or root)
        rejections.append(Rejection(_uri(where), "unreadable", f"cannot list the folder: {error.strerror or error}"))

    for directory, subdirs, names in os.walk(root, followlinks=True, onerror=unlistable):
        stat = os.stat(directory)
        if (stat.st_dev, stat.st_ino) in visited:
            subdirs[:] = []
            continue
        visited.add((stat.st_dev, stat.st_ino))
        subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
        for name in sorted(names):
            if not name.startswith("."):
                yield os.path.join(directory, name)


def _uri(path: str) -> str:
    """`path` as the warehouse stores it: the bytes of a file name that are not UTF-8 written `\\xNN`, since the
    lone surrogates Python reads them as cannot be stored."""
    return os.fsencode(path).decode("utf-8", errors="backslashreplace")


def _inspect(path: str, slice_records: int) -> InputFile:
    if not os.path.isfile(path):
        raise _Refused("unreadable", _not_a_file(path))
    with open(path, "rb") as stream:
        head = stream.read(HEAD_BYTES)
    gzipped = head.startswith(b"\x1f\x8b")
    try:
        if gzipped:
            with gzip.open(path, "rb") as stream:
                head = stream.read(HEAD_BYTES)
        name = path[:-3] if gzipped and path.endswith(".gz") else path
        fmt = sniff_format(decode_head(head), name)
        if fmt != "jsonl":
            return InputFile(path, fmt, gzipped, 1)
        if not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
            raise _Refused("encoding", "a JSONL file must be UTF-8, and this one is UTF-16 or UTF-32")
        return _index_jsonl(path, gzipped, slice_records)
    except _GZIP_ERRORS as error:
        raise _Refused("corrupt", f"the gzip stream is truncated or corrupt ({error})") from None


def _index_jsonl(path: str, gzipped: bool, slice_records: int) -> InputFile:
    n_records = 0
    offsets = [(1, 0)]
    position = line_no = 0
    stream = gzip.open(path, "rb") if gzipped else open(path, "rb")
    with stream:
        for line_no, line in enumerate(stream, start=1):
            if line.strip():
                n_records += 1
                if n_records % slice_records == 0:
                    offsets.append((line_no + 1, position + len(line)))
            position += len(line)
    return InputFile(path, "jsonl", gzipped, n_records, tuple(offsets) + ((line_no + 1 if n_records else 1, position),))


def _not_a_file(path: str) -> str:
    """Why `path`, which exists, is no regular file."""
    if os.path.islink(path):
        try:
            os.stat(path)
        except OSError as error:
            if error.errno == errno.ELOOP:
                return "the path is a loop of symbolic links"
            return f"the symbolic link points to {os.readlink(path)}, which does not exist"
    return "not a regular file (a device, a socket or a named pipe)"


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
