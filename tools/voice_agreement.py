"""Agreement of the second annotation of speakers' kinds and genders (eval/orangesum_quotes/second_voices.jsonl,
20 articles annotated again, independently) with the gold.

    python tools/voice_agreement.py"""

from __future__ import annotations

import json
from pathlib import Path

FOLDER = Path(__file__).resolve().parent.parent / "eval/orangesum_quotes"
INDIVIDUALS = ("person", "anonymous")


def main() -> None:
    gold = {}
    for line in (FOLDER / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        for q in record["quotes"]:
            if q.get("speaker_kind"):
                gold[record["id"], q["speaker"]] = (q["speaker_kind"], q["speaker_gender"])
    second = {}
    for line in (FOLDER / "second_voices.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        for s in record["speakers"]:
            gender = s["gender"] if s["kind"] in INDIVIDUALS else "unknown"
            second[record["id"], s["speaker"]] = (s["kind"], gender)
    kinds = sum(gold[k][0] == v[0] for k, v in second.items())
    individuals = [k for k, v in second.items() if v[0] in INDIVIDUALS or gold[k][0] in INDIVIDUALS]
    genders = sum(gold[k][1] == second[k][1] for k in individuals)
    print(f"{len(second)} speakers of {len({k[0] for k in second})} articles: kind agreement {kinds}/{len(second)} "
          f"= {kinds / len(second):.3f}; gender agreement on individuals {genders}/{len(individuals)} "
          f"= {genders / len(individuals):.3f}")


if __name__ == "__main__":
    main()
