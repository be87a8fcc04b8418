"""Agreement between two independent annotations of the same articles (gold.jsonl format): quote F1 at
both thresholds and speaker accuracy, the first file scored as gold and the second as predictions, and
entity-set F1.

    python tools/gold_agreement.py eval/orangesum_quotes/gold.jsonl eval/orangesum_quotes/second_annotation.jsonl
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corpus.scoring.ner import score_sets  # noqa: E402
from corpus.scoring.quotes import gold_quotes, score  # noqa: E402


def main(first: Path, second: Path) -> None:
    b = {r["id"]: r for r in map(json.loads, second.read_text(encoding="utf-8").splitlines()) if r}
    a = {r["id"]: r for r in map(json.loads, first.read_text(encoding="utf-8").splitlines()) if r["id"] in b}
    ids = sorted(b, key=int)
    scores = score((gold_quotes(b[i]), gold_quotes(a[i])) for i in ids)
    print(f"{len(ids)} articles annotated twice")
    print(scores.report())
    entities = score_sets(({(e["text"], e["label"]) for e in b[i]["entities"]},
                           {(e["text"], e["label"]) for e in a[i]["entities"]}) for i in ids)
    total = entities["all"]
    print(f"entity sets: P {total.precision:.3f} R {total.recall:.3f} F1 {total.f1:.3f}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
