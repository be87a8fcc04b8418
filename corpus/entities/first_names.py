"""The gender a given name marks in French news ("Élisabeth Borne" is a woman), for when the article itself says
nothing (no "Mme", no "la ministre", no agreement): a pronoun or a gendered description then finds its person.

Two lists: `data/first_names.tsv`, written for this project (common given names in French news, each marked Masc or
Fem; names used for both, Claude, Dominique, Camille, are left out), read first; then `data/first_names_nqg.tsv`, the
names of every origin that nomquamgender's data (MIT licence) finds borne almost only by women or by men, written by
`tools/first_names_lexicon.py`. Where both have a name the first wins ("Jean" is a man's name in French news).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from corpus.entities.keys import fold

NEWS_NAMES = ("first_names.tsv",)
"""The project's list alone: what the speaker ranker was trained with."""
ALL_NAMES = ("first_names.tsv", "first_names_nqg.tsv")
"""Both lists, read in this order: a name keeps the gender of the first that lists it."""


def first_name_gender(name: str, lists: tuple[str, ...] = NEWS_NAMES) -> str | None:
    """"Masc" or "Fem" for a person's name whose first word is a listed given name ("Jean-Bernard Lévy": its
    first part, Jean), or whose given name follows a Chinese or Korean family name ("Kim Jong Un"); None for a
    single word (a surname alone says nothing) or an unlisted name."""
    words = name.split()
    if len(words) < 2:
        return None
    if words[0] in _family_names_first():
        return _genders(lists).get(fold("-".join(words[1:])))  # "Kim Jong Un": "Jong-Un"
    return given_name_gender(words[0], lists)


def is_personal_name(name: str, lists: tuple[str, ...] = ALL_NAMES) -> bool:
    """Whether `name`, in any case, has two words or more and opens with a listed given name ("Jean-Marie Le Pen",
    "MARINE LE PEN") or a family name written first ("Kim Jong Un")."""
    words = fold(name).split()
    return len(words) >= 2 and (words[0] in _folded_family_names_first()
                                or given_name_gender(words[0], lists) is not None)


def given_name_gender(word: str, lists: tuple[str, ...] = NEWS_NAMES) -> str | None:
    """"Masc" or "Fem" for a listed given name ("Jean-Bernard": its first part, Jean), else None."""
    genders = _genders(lists)
    return genders.get(fold(word)) or genders.get(fold(word.split("-")[0]))


@lru_cache(maxsize=1)
def _family_names_first() -> frozenset[str]:
    text = resources.files("corpus.data").joinpath("family_names_first.txt").read_text("utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=1)
def _folded_family_names_first() -> frozenset[str]:
    return frozenset(fold(name) for name in _family_names_first())


@lru_cache(maxsize=2)
def _genders(lists: tuple[str, ...]) -> dict[str, str]:
    genders: dict[str, str] = {}
    for file in lists:
        for line in resources.files("corpus.data").joinpath(file).read_text("utf-8").splitlines():
            if line and not line.startswith("#"):
                name, gender = line.split("\t")
                genders.setdefault(fold(name), gender)
    return genders
