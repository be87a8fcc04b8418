"""What near-duplicate documents and repeated quotes are matched by: MinHash signatures (datasketch) of a text's word
shingles, cut into LSH bands whose keys the warehouse looks up, so that matching a new text costs a lookup, not a
comparison with every text loaded. The parameters are data (`data/fingerprints.json`, docs/stories.md).

Texts are compared as words: case, accents, punctuation, quote marks and elision ("l'État", "l’Etat", "L' état") aside.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

import numpy as np
from datasketch import MinHash

from corpus.records import Fingerprint, Quote

_WORD = re.compile(r"\w+")
_COMBINING = re.compile("[\u0300-\u036f]")
"""The combining accents that NFKD splits off letters ("é" = "e" + U+0301)."""
MATCHED_QUOTE_KINDS = ("direct", "partial")


@dataclass(frozen=True)
class StoryModel:
    """When two documents are the same story: a logistic regression learnt from the judged pairs of
    eval/near_duplicates (`corpus train stories`) over what the warehouse keeps of each document. The more of the
    smaller text the other holds, the likelier; the longer the two texts, the less of it a repeat needs (a long
    dispatch and its short first version share few shingles, two short texts share a boilerplate paragraph); the
    more days apart, the more it needs (within a news cycle a text is updated and rewritten; weeks later, a text that
    keeps part of another recycles background). A rewrite keeps more of the shorter shingles than of the longer ones."""

    weights: tuple[float, float, float, float]
    """Of `features`: containment, log shingles, log days, containment of the shorter shingles."""
    bias: float
    cut: float
    """The probability from which two documents are the same story."""
    max_days: int
    """Gaps beyond are this one, and so is an unknown date: the judged pairs hold few such gaps."""
    shingles_range: tuple[int, int]
    """The shingles of both texts, summed, are held inside the range of the judged pairs."""
    data_sha256: str = ""
    """Of the judged pairs it was learnt from."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "weights", tuple(float(w) for w in self.weights))
        object.__setattr__(self, "shingles_range", tuple(int(n) for n in self.shingles_range))

    def features(self, containment: float, n_a: int, n_b: int, days_apart: int | None,
                 fine: float | None = None) -> tuple[float, float, float, float]:
        """`fine`: the containment of the shorter shingles; without it (a document fingerprinted before they were
        kept), the containment stands for it, which asks more of the pair."""
        low, high = self.shingles_range
        days = self.max_days if days_apart is None else min(days_apart, self.max_days)
        return (containment, math.log(min(max(n_a + n_b, low), high)), math.log1p(days),
                containment if fine is None else fine)

    def probability(self, containment: float, n_a: int, n_b: int, days_apart: int | None,
                    fine: float | None = None) -> float:
        z = self.bias + sum(w * x for w, x in zip(self.weights, self.features(containment, n_a, n_b, days_apart, fine)))
        return 1 / (1 + math.exp(-z))


@dataclass(frozen=True)
class Shingling:
    """How one kind of text is fingerprinted and when two count as the same."""

    shingle_words: int
    """Words per shingle."""
    num_perm: int
    """Hash functions of the MinHash signature."""
    bands: int
    rows: int
    """LSH: two texts are compared when, in one of `bands` bands of `rows` consecutive MinHash values, all are equal."""
    measure: str
    """`jaccard` (shared shingles over all shingles) or `containment` (shared shingles over the smaller text's:
    an article and its longer update, or a short version and the full dispatch, reach it where Jaccard does not)."""
    threshold: float
    """The estimated measure from which two texts are the same, or, with a `model`, may be."""
    min_words: int
    """Shorter texts get no fingerprint: too few words to tell a repeat from a common phrase."""
    model: StoryModel | None = None
    """Decides above `threshold`, given the texts' lengths and the days between them."""
    fine_shingle_words: int = 0
    fine_num_perm: int = 0
    """A second signature over shingles of `fine_shingle_words` words (none if 0), for the model."""

    def same(self, score: float, n_a: int, n_b: int, days_apart: int | None, fine: float | None = None) -> bool:
        """Whether two texts of `n_a` and `n_b` shingles, `days_apart` days apart (None: a date is unknown), whose
        estimated measure is `score` (and `fine` over the shorter shingles), are the same."""
        if score < self.threshold:
            return False
        return self.model is None or self.model.probability(score, n_a, n_b, days_apart, fine) >= self.model.cut


MODEL_FILE = "story_model.json"


@functools.cache
def settings() -> dict[str, Shingling]:
    """`documents` and `quotes`, from `data/fingerprints.json`; a kind that names a `model` file gets its model."""
    data = json.loads(_data_file("fingerprints.json"))
    kinds = {}
    for kind, values in data["kinds"].items():
        model = values.pop("model", None)
        kinds[kind] = Shingling(**values, model=StoryModel(**json.loads(_data_file(model))) if model else None)
    return kinds


def _data_file(name: str) -> str:
    return resources.files("corpus.data").joinpath(name).read_text(encoding="utf-8")


def words(text: str) -> list[str]:
    """The words of `text`, lower-cased and without accents; apostrophes, quote marks and punctuation split them."""
    return _WORD.findall(_COMBINING.sub("", unicodedata.normalize("NFKD", text.casefold())))


def quote_key(text: str) -> str:
    """The quote's words, one space apart: two quotes with the same key are the same words."""
    return " ".join(words(text))


def fingerprint(text: str, kind: str) -> Fingerprint | None:
    """The fingerprint of `text` as a `kind` (`documents` or `quotes`), or None if it has too few words."""
    shingling = settings()[kind]
    found = words(text)
    if len(found) < shingling.min_words:
        return None
    values, n_shingles = _signature(found, shingling.shingle_words, shingling.num_perm)
    rows = shingling.rows
    keys = tuple(_band_key(band, values[band * rows:(band + 1) * rows]) for band in range(shingling.bands))
    fine, n_fine = (_signature(found, shingling.fine_shingle_words, shingling.fine_num_perm)
                    if shingling.fine_shingle_words else ((), 0))
    return Fingerprint(tuple(int(v) for v in values), keys, n_shingles, tuple(int(v) for v in fine), n_fine)


def _signature(found: list[str], n: int, num_perm: int) -> tuple[np.ndarray, int]:
    """The MinHash values of the `n`-word shingles of `found`, and how many distinct shingles there are."""
    shingles = {" ".join(found[i:i + n]).encode() for i in range(len(found) - n + 1)}
    minhash = MinHash(num_perm=num_perm, permutations=_permutations(num_perm), scheme="affine32")
    minhash.update_batch(list(shingles))
    return minhash.hashvalues, len(shingles)


def quote_fingerprints(quotes: Sequence[Quote]) -> tuple[Fingerprint | None, ...]:
    """For each quote, its fingerprint if it is direct or partial (reported and indirect speech are the article's
    words) and long enough."""
    return tuple(fingerprint(q.text, "quotes") if q.kind in MATCHED_QUOTE_KINDS else None for q in quotes)


def same_text(a: Fingerprint | None, b: Fingerprint | None, kind: str, days_apart: int | None = None) -> bool:
    """Whether the warehouse puts two texts of `kind`, published `days_apart` days apart, together: they share a band
    key (so one finds the other) and their estimated measure (`resemblance`) makes them the same (`Shingling.same`)."""
    if not share_a_band(a, b):
        return False
    shingling = settings()[kind]
    return shingling.same(resemblance(a, b, shingling.measure), a.n_shingles, b.n_shingles, days_apart,
                          fine_resemblance(a, b))


def share_a_band(a: Fingerprint | None, b: Fingerprint | None) -> bool:
    """Whether one of the two texts finds the other through an LSH band key."""
    return a is not None and b is not None and bool(set(a.band_keys) & set(b.band_keys))


def days_between(a: dt.date | None, b: dt.date | None) -> int | None:
    """Days between two publication dates; None if one is unknown."""
    return abs((a - b).days) if a is not None and b is not None else None


def resemblance(a: Fingerprint, b: Fingerprint, measure: str) -> float:
    """The `measure` (`jaccard` or `containment`) of two texts' shingle sets, as their MinHash signatures estimate it
    (the same formula as the warehouse's `resemblance` macro, warehouse/macros/resemblance.sql)."""
    return _estimate(a.minhash, b.minhash, a.n_shingles, b.n_shingles, measure)


def fine_resemblance(a: Fingerprint, b: Fingerprint) -> float | None:
    """The containment of the two texts' shorter shingles, or None if one of them has no such signature."""
    if not a.fine_minhash or not b.fine_minhash:
        return None
    return _estimate(a.fine_minhash, b.fine_minhash, a.n_fine_shingles, b.n_fine_shingles, "containment")


def _estimate(a: Sequence[int], b: Sequence[int], n_a: int, n_b: int, measure: str) -> float:
    jaccard = float(np.mean(np.asarray(a) == np.asarray(b)))
    if measure == "jaccard":
        return jaccard
    return min(jaccard * (n_a + n_b) / (1 + jaccard) / min(n_a, n_b), 1.0)


@functools.cache
def _permutations(num_perm: int) -> np.ndarray:
    """datasketch's permutations for seed 1, made once per process rather than once per text."""
    return MinHash(num_perm=num_perm, seed=1).permutations


def _band_key(band: int, values: np.ndarray) -> int:
    digest = hashlib.blake2b(band.to_bytes(2, "little") + values.astype("<u4").tobytes(), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)
