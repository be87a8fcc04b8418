"""Draws quotes with a speaker from a warehouse, at random (seeded), for judging the speaker by reading the
article: one JSON line per quote with the record, the quote, its speaker and the article's text.

    python tools/draw_speakers.py corpus.duckdb [--n 100] [--seed 20261205] > drawn.jsonl
"""

from __future__ import annotations

import argparse
import json

import duckdb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db")
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--seed", type=int, default=20261205)
    args = parser.parse_args()
    with duckdb.connect(args.db, read_only=True) as con:
        rows = con.execute(
            "SELECT d.source_uri, q.kind, q.text, q.speaker_name, q.cue, d.text FROM quotes q "
            "JOIN documents d USING (doc_id) WHERE q.speaker_name IS NOT NULL AND q.kind <> 'term' "
            "ORDER BY hash(q.quote_id::VARCHAR || ?::VARCHAR), q.quote_id LIMIT ?", [args.seed, args.n]).fetchall()
    for n, (source, kind, text, speaker, cue, article) in enumerate(rows, 1):
        print(json.dumps({"n": n, "record": source, "kind": kind, "quote": text, "speaker": speaker, "cue": cue,
                          "article": article}, ensure_ascii=False))


if __name__ == "__main__":
    main()
