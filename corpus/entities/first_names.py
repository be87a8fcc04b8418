"""The gender a given name marks in French news ("Élisabeth Borne" is a woman), for when the article itself says
nothing (no "Mme", no "la ministre", no agreement): a pronoun or a gendered description then finds its person.

The list (`data/first_names.tsv`) was written for this project: common given names in French news, each marked
Masc or Fem; names used for both (Claude, Dominique, Camille) are left out.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from corpus.entities.keys import fold

FIRST_NAMES_FILE = "first_names.tsv"


def first_name_gender(name: str) -> str | None:
    """"Masc" or "Fem" for a person's name whose first word is a listed given name ("Jean-Bernard Lévy": its
    first part, Jean); None for a single word (a surname alone says nothing) or an unlisted name."""
    words = name.split()
    if len(words) < 2:
        return None
    first = words[0]
    return _genders().get(fold(first)) or _genders().get(fold(first.split("-")[0]))


@lru_cache(maxsize=1)
def _genders() -> dict[str, str]:
    text = resources.files("corpus.data").joinpath(FIRST_NAMES_FILE).read_text("utf-8")
    genders: dict[str, str] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, gender = line.split("\t")
            genders[fold(name)] = gender
    return genders
