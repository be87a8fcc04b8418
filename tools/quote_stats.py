"""Quotes per 100 articles by kind on a JSONL sample, and a few quotes to check by hand:

    .venv/bin/python tools/quote_stats.py [../shared/data/articles/orangesum/sample_500.jsonl] [--show N]
"""

from __future__ import annotations

import random
from collections import Counter

from jsonl_sample import annotated_sample, sample_arguments


def main() -> None:
    args = sample_arguments("quotes")
    annotated = annotated_sample(args.path)
    kinds = Counter(q.kind for a in annotated for q in a.quotes)
    with_speaker = Counter(q.kind for a in annotated for q in a.quotes if q.speaker_name)
    print(f"{len(annotated)} articles")
    for kind in ("direct", "partial", "indirect", "term"):
        print(f"  {kind:<9} {100 * kinds[kind] / len(annotated):6.1f} per 100 articles, "
              f"{with_speaker[kind] / kinds[kind] if kinds[kind] else 0:.0%} with a speaker")
    quotes = [(a.article.source_uri, q) for a in annotated for q in a.quotes if q.kind != "term"]
    for uri, q in random.Random(0).sample(quotes, min(args.show, len(quotes))):
        print(f"- {uri.rsplit('#', 1)[-1]} {q.kind}: {q.text[:110]!r}\n    speaker={q.speaker_name!r} "
              f"mention={q.speaker_mention!r} cue={q.cue!r} via={q.reported_via!r}")


if __name__ == "__main__":
    main()
