"""Writes corpus/data/first_names_nqg.tsv: the given names that nomquamgender's data (Van Buskirk, Clauset and
Larremore, 2023; MIT licence, https://github.com/ianvanbuskirk/nomquamgender) shows to be borne almost only by
women or almost only by men, for the names of people of every origin that French news quotes. The project's own
list (corpus/data/first_names.tsv) is read first and wins where both have a name.

    pip install -c constraints.txt -e '.[lexicon]' && python tools/first_names_lexicon.py

Kept: alphabetic names seen at least MIN_COUNT times in at least MIN_SOURCES of the data's sources, whose share of
women is at most MAX_SHARE or at least 1 - MAX_SHARE."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

MIN_COUNT = 500
MIN_SOURCES = 8
MAX_SHARE = 0.03
OUT = Path(__file__).resolve().parent.parent / "corpus/data/first_names_nqg.tsv"


def main() -> None:
    # Found, not imported: importing nomquamgender loads pandas for nothing.
    package = Path(importlib.util.find_spec("nomquamgender").submodule_search_locations[0])
    data = json.loads((package / "name_data.json").read_text(encoding="utf-8"))
    kept = {name: "Fem" if share >= 1 - MAX_SHARE else "Masc"
            for name, (sources, count, share, *_) in data.items()
            if name.isalpha() and count >= MIN_COUNT and sources >= MIN_SOURCES
            and (share <= MAX_SHARE or share >= 1 - MAX_SHARE)}
    header = (f"# Given names and the gender they mark (Masc, Fem), from nomquamgender 0.1.4's data (MIT licence,"
              f" Ian Van Buskirk): names seen {MIN_COUNT}+ times in {MIN_SOURCES}+ sources, borne by women at most"
              f" {MAX_SHARE:.0%} or at least {1 - MAX_SHARE:.0%} of the time. Written by tools/first_names_lexicon.py.\n")
    OUT.write_text(header + "".join(f"{name}\t{gender}\n" for name, gender in sorted(kept.items())), encoding="utf-8")
    print(f"{len(kept)} names -> {OUT}")


if __name__ == "__main__":
    main()
