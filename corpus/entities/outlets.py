"""News outlets as data (`data/outlets.json`), and the key that makes one outlet of all the ways it is written.

"Le Monde", "*Le Monde*", "le Monde", "LeMonde" and "lemonde.fr" are one outlet: its key folds case, accents,
markup, spaces and a leading article away ("monde"), and its web domains point to it. A publication that is not
in the list still gets a key, so that it is counted as one source across documents.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from corpus.read.dates import fold

_LEADING_ARTICLE = re.compile(r"^(?:le|la|les|the)\s+|^l['’]\s*", re.IGNORECASE)
_NOT_KEY = re.compile(r"[\W_]+")
_DOMAIN = re.compile(r"^(?:[a-z0-9-]+\.)+[a-z]{2,}$", re.IGNORECASE)


def outlet_key(text: str) -> str:
    """"Le Monde", "*le monde*", "Monde" -> "monde": accents, case, markup, spaces and a leading article dropped."""
    return _NOT_KEY.sub("", fold(_LEADING_ARTICLE.sub("", text.strip(" *_\"'«»“”")))).strip()


def bare_name(name: str) -> str | None:
    """The name without its leading article, as French contracts it: "Le Parisien" -> "Parisien" ("au Parisien")."""
    bare = _LEADING_ARTICLE.sub("", name)
    return bare if bare != name else None


@dataclass(frozen=True)
class Outlet:
    name: str
    aliases: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return outlet_key(self.name)

    @property
    def forms(self) -> tuple[str, ...]:
        """The name and aliases as articles write them."""
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Outlets:
    outlets: tuple[Outlet, ...]

    def __post_init__(self) -> None:
        by_key: dict[str, Outlet] = {}
        for outlet in self.outlets:
            for form in outlet.forms:
                by_key.setdefault(outlet_key(form), outlet)
                by_key.setdefault(_NOT_KEY.sub("", fold(form)), outlet)  # "LeMonde", written as one word
        object.__setattr__(self, "_by_key", by_key)
        object.__setattr__(self, "_by_domain", {d: o for o in self.outlets for d in o.domains})

    @classmethod
    @lru_cache(maxsize=1)
    def load(cls) -> Outlets:
        data = json.loads(resources.files("corpus.data").joinpath("outlets.json").read_text("utf-8"))
        return cls(tuple(Outlet(o["name"], tuple(o["aliases"]), tuple(o["domains"])) for o in data["outlets"]))

    def names(self) -> tuple[str, ...]:
        """Every name and alias, as written."""
        return tuple(form for outlet in self.outlets for form in outlet.forms)

    def find(self, text: str) -> Outlet | None:
        """The outlet `text` names: a name or alias however written, or one of its domains. Written all in lower
        case, it must be a form the outlet itself writes so: "la presse" is the press, not *La Presse*."""
        text = text.strip()
        if _DOMAIN.match(text):
            return self.for_domain(text)
        outlet = self._by_key.get(outlet_key(text))
        if outlet is not None and text.islower() and not any(form.islower() for form in outlet.forms):
            return None
        return outlet

    def for_domain(self, domain: str) -> Outlet | None:
        """The outlet a domain belongs to, subdomains included ("www.lemonde.fr", "blog.lemonde.fr")."""
        labels = domain.lower().rstrip(".").split(".")
        for n in range(len(labels) - 1):
            outlet = self._by_domain.get(".".join(labels[n:]))
            if outlet is not None:
                return outlet
        return None
