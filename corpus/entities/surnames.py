"""A person a document names by surname alone ("Macron", "Le Pen"): across the corpus, the one well-known person of
that surname, when there is one. The document never gives the full name, or gives two the surname could end ("Marine
Le Pen" and "Jean-Marie Le Pen", where the surname's nearest full name before it decides nothing).

Within a document, "Macron" after "Emmanuel Macron" already names him (`corpus.entities.canonical`). A document that
only says "Macron" leaves an entity "Macron" of its own, where a reader of French news knows who is meant: one person
of that surname dominates the news. `surname_joins` reads that from the corpus's own counts. The surname joins the
full name that is both:
- named in at least `MIN_SHARE` of the documents naming any fuller name ending in the surname ("Marine Le Pen" among
  "Jean-Marie Le Pen" and "Marion Maréchal-Le Pen"; not "Chérif Kouachi" beside "Saïd Kouachi");
- named in at least `MIN_RATIO` times as many documents as the surname alone. A person known by one name
  ("Dieudonné", "Renaud") is named alone more often than any full name ends in it;
- well known: named in full in at least `MIN_PERSON_DOCS` documents. "Capitaine Crochet" is not "Stéphane Crochet",
  named in full in 9 documents.
The full name must start with a given name, or a family name written first ("Kim Jong Un"): "Non Stop Zapping" is
no person. Given names used for both sexes are in no list (`first_names`), so "Claude Guéant" passes for no person
and "Guéant" alone joins nothing. A common given name of French news
alone ("Philippe", "Maëlys": `first_names.NEWS_NAMES`) joins nothing: it names someone by first name as often as it
is a surname; nor does a saint's name ("Saint-Laurent" is a school or a river far more often than Yves Saint
Laurent). Shares are over each fuller name's documents, counted apart.

The names are the entities' folded keys and the counts the documents' own resolutions over the whole corpus, so the
joins do not depend on load order. A join is decided among the persons whose names end in the same word: a change
elsewhere leaves it as it is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from corpus.entities.first_names import NEWS_NAMES, given_name_gender, is_personal_name

MIN_SHARE = 0.8
"""The joined person's share of the documents of the fuller names that end in the surname (each name's counted
apart). On the full OrangeSum warehouse, "Emmanuel Macron" has 0.95 (against "Brigitte Macron"), "Marine Le Pen"
0.81, "Charles de Gaulle" 0.56 (his family is often in the news too: "de Gaulle" stays alone)."""

MIN_RATIO = 2.0
"""How many times more documents the full name must have than the surname alone: 15 for "Macron", 2.8 for
"Benalla"; 0.4 for "Dieudonné" against "Romain Dieudonné", 1.0 for "Renaud" against "Line Renaud"."""

MIN_PERSON_DOCS = 20
"""On the full OrangeSum warehouse, 369 joins without this bar, 170 with it. Of 40 joined documents drawn at random and
read, 31 were right without it, 6 of the 9 wrong ones below it ("Capitaine Crochet", a dog named Holly, "Casta" for
Christophe Castaner); with it, 38 of another 40 draws."""

SAINTS = frozenset({"saint", "sainte", "st", "ste"})


@dataclass(frozen=True)
class PersonDocs:
    """A person entity as documents resolve it, and how many documents name it."""

    entity_id: str
    name: str
    """Its folded key's name: "emmanuel macron"."""
    n_docs: int


@dataclass(frozen=True)
class SurnameJoin:
    """The surname-alone entity `entity_id` joins the person `joined_id`."""

    entity_id: str
    joined_id: str
    surname_docs: int
    person_docs: int
    share: float
    """The person's documents over those of every fuller name that ends in the surname, each name's counted apart."""


def surname_joins(persons: Iterable[PersonDocs]) -> list[SurnameJoin]:
    """The joins among `persons` (every person entity of the corpus), sorted by entity id."""
    persons = list(persons)
    words = {p.entity_id: p.name.split() for p in persons}
    by_last_word: dict[str, list[PersonDocs]] = defaultdict(list)
    for p in persons:
        if len(words[p.entity_id]) >= 2:
            by_last_word[words[p.entity_id][-1]].append(p)
    joins = []
    for p in persons:
        surname = words[p.entity_id]
        if not surname or surname[0] in SAINTS or given_name_gender(surname[0], NEWS_NAMES):
            continue
        fuller = [f for f in by_last_word.get(surname[-1], ())
                  if len(words[f.entity_id]) > len(surname) and words[f.entity_id][-len(surname):] == surname]
        if not fuller:
            continue
        best = min(fuller, key=lambda f: (-f.n_docs, f.entity_id))
        share = best.n_docs / sum(f.n_docs for f in fuller)
        if (share >= MIN_SHARE and best.n_docs >= max(MIN_RATIO * p.n_docs, MIN_PERSON_DOCS)
                and is_personal_name(best.name)):
            joins.append(SurnameJoin(p.entity_id, best.entity_id, p.n_docs, best.n_docs, round(share, 4)))
    return sorted(joins, key=lambda j: j.entity_id)
