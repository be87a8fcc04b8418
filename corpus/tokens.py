"""`glue_splitter`: tokens that hold glued text split before the model reads them.

spaCy's French tokenizer keeps `Macron"Le`, `Bayrou)par`, `Chirac.14h45` and `eurosLes` one token each, so the
model's entities swallow the glue ("Emmanuel Macron"Le", "LR.Anne Hidalgo") and no later rule can cut inside a
token. Where to cut is `corpus.glue`'s.
"""

from __future__ import annotations

import bisect

from spacy.language import Language
from spacy.tokens import Doc

from corpus.glue import glue_cuts, is_web_address, word_glue

GLUE_SPLITTER = "glue_splitter"


@Language.component(GLUE_SPLITTER, assigns=["token.orth"])
def glue_splitter(doc: Doc) -> Doc:
    """Split every token at the glue inside it: punctuation (`glue_cuts`) and words run together (`word_glue`).
    Web and e-mail addresses stay whole (`?` in a query string, `.` in a domain)."""
    cuts = sorted({*glue_cuts(doc.text), *word_glue(doc.text, after_function_words=True)})
    if not cuts:
        return doc
    splits = []
    for token in doc:
        end = token.idx + len(token.text)
        first = bisect.bisect_right(cuts, token.idx)
        if first == len(cuts) or cuts[first] >= end:
            continue
        if is_web_address(token.text):
            continue
        bounds = [0, *(c - token.idx for c in cuts[first:bisect.bisect_left(cuts, end)]), len(token.text)]
        splits.append((token, [token.text[a:b] for a, b in zip(bounds, bounds[1:])]))
    with doc.retokenize() as retokenizer:
        for token, pieces in splits:  # each piece its own head, as every token is before the parse
            retokenizer.split(token, pieces, heads=[(token, i) for i in range(len(pieces))])
    return doc
