"""Inline credits found on a JSONL sample, the top outlets, and a sample of credits to check by hand:

    .venv/bin/python tools/citation_stats.py [../shared/data/articles/orangesum/sample_500.jsonl] [--show N]
"""

from __future__ import annotations

import random
from collections import Counter

from jsonl_sample import annotated_sample, sample_arguments


def main() -> None:
    args = sample_arguments("inline credits")
    annotated = annotated_sample(args.path)
    credits = [(a, c) for a in annotated for c in a.citations if c.kind == "inline"]
    with_outlet = [(a, c) for a, c in credits if c.outlet_key]
    linked = sum(len({k for keys in a.quote_citations for k in keys if k.startswith("inline:")}) for a in annotated)
    print(f"{len(annotated)} articles, {len(credits)} inline credits ({len(with_outlet)} to a named outlet) "
          f"in {len({id(a) for a, _ in credits})} articles; {linked} of them linked to a quote")
    names = {}
    for _, c in with_outlet:
        names.setdefault(c.outlet_key, c.publication)
    documents = Counter(key for _, key in {(id(a), c.outlet_key) for a, c in with_outlet})
    print("top 10 outlets (credits, documents)")
    for key, count in Counter(c.outlet_key for _, c in with_outlet).most_common(10):
        print(f"  {names[key]:<24} {count:>4} {documents[key]:>4}")
    for a, c in random.Random(0).sample(credits, min(args.show, len(credits))):
        sentence = a.sentences[c.sentence_index] if c.sentence_index is not None else None
        context = a.article.text[sentence.start:sentence.end] if sentence else ""
        print(f"- {a.article.source_uri.rsplit('#', 1)[-1]} {c.raw_text!r} -> {c.publication!r}\n    {context[:220]!r}")


if __name__ == "__main__":
    main()
