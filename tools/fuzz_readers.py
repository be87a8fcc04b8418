"""Fuzz the readers: mutate the fixture files at random and feed them to `corpus.read.parse.parse_document` as Markdown,
HTML, JSONL (line by line) and plain text for a while; report every exception (a bad input must come back as a
`Rejection`), every article whose clean text does not map back to the same characters of its raw text, and every
input slower than a second.

    .venv/bin/python tools/fuzz_readers.py 120          # seconds (default 60), then an optional seed
"""

from __future__ import annotations

import random
import sys
import time
import traceback
from pathlib import Path

from corpus.read.parse import parse_document
from corpus.records import Article, RawDocument

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "tests" / "hostile" / "files").iterdir()) + sorted((ROOT / "corpus" / "samples" / "articles").iterdir())
FORMATS = ("markdown", "html", "jsonl", "text")
TOKENS = [b"**", b"*", b"_", b"__", b"[1]", b"[12](", b"](", b"<https://x.fr>", b"\\", b"`", b"#", b"## ", b"> ",
          b"---\n", b"\n\n", b"\n", b"\r", b"\t", b"<div>", b"</div>", b"<p>", b"</p>", b"<script>", b"<template>",
          b"<sup>1</sup>", b"<!--", b"]]>", b"{", b"}", b"[", b"]", b'"', b"\\u0000", b"\\ud800", b"\x00", b"\xff",
          b"\xc3", b"\xef\xbb\xbf", b"\xc2\xad", "’«»…".encode(), "é".encode("cp1252"), "🎉".encode(),
          b"Notes\n", b"[1] ", b"Par ", b"Le 3 mai 2024. - "]
SLOW_SECONDS = 1.0


def mutate(data: bytes, rng: random.Random) -> bytes:
    """`data` after 1 to 8 random edits: byte flips, token insertions, deletions, duplications, truncation, or a
    splice with another seed file."""
    data = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        at = rng.randint(0, len(data))
        edit = rng.randrange(7)
        if edit == 0 and data:
            data[min(at, len(data) - 1)] = rng.randrange(256)
        elif edit == 1:
            data[at:at] = rng.choice(TOKENS) * rng.choice((1, 1, 2, 50, 2000))
        elif edit == 2:
            del data[at:at + rng.randint(1, 200)]
        elif edit == 3:
            data[at:at] = data[at:at + rng.randint(1, 400)] * rng.randint(2, 20)
        elif edit == 4:
            del data[at:]
        elif edit == 5:
            other = rng.choice(SEEDS).read_bytes()
            cut = rng.randint(0, len(other))
            data[at:] = other[cut:]
        else:
            data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 30)))
    return bytes(data)


def maps_back(article: Article) -> bool:
    """Every run of the offset map copies its raw characters verbatim into the clean text."""
    return all(article.text[clean:clean + n] == article.raw_text[raw:raw + n]
               for clean, raw, n in article.offset_map.runs)


def main(seconds: float, seed: int) -> int:
    rng = random.Random(seed)
    seeds = [path.read_bytes() for path in SEEDS]
    until = time.monotonic() + seconds
    n_inputs = n_articles = 0
    problems: dict[str, tuple[str, bytes]] = {}
    while time.monotonic() < until:
        data = mutate(rng.choice(seeds), rng)
        fmt = rng.choice(FORMATS)
        for piece in (data.split(b"\n") if fmt == "jsonl" else [data]):
            n_inputs += 1
            started = time.perf_counter()
            try:
                result = parse_document(RawDocument.from_bytes("fuzz", piece, fmt))
            except Exception as error:
                where = traceback.extract_tb(error.__traceback__)[-1]
                key = f"{fmt}: {type(error).__name__} at {Path(where.filename).name}:{where.lineno}"
                problems.setdefault(key, (str(error)[:200], piece))
                continue
            elapsed = time.perf_counter() - started
            if elapsed > SLOW_SECONDS:
                problems.setdefault(f"{fmt}: slow ({elapsed:.1f} s, {len(piece):,} bytes)", ("", piece))
            if isinstance(result, Article):
                n_articles += 1
                if not maps_back(result):
                    problems.setdefault(f"{fmt}: offset map does not copy verbatim", ("", piece))
    print(f"{n_inputs:,} inputs ({n_articles:,} parsed as articles, the rest rejected) in {seconds:.0f} s, "
          f"seed {seed}: {len(problems)} problem(s)")
    for key, (message, piece) in sorted(problems.items()):
        print(f"- {key}: {message}\n  input ({len(piece):,} bytes): {piece[:300]!r}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(float(sys.argv[1]) if len(sys.argv) > 1 else 60.0, int(sys.argv[2]) if len(sys.argv) > 2 else 1))
