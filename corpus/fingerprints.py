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
    """The estimated measure from which two texts are the same."""
    min_words: int
    """Shorter texts get no fingerprint: too few words to tell a repeat from a common phrase."""
    within_days: tuple[tuple[int, float], ...] = ()
    """(days, threshold), by increasing days: two texts published at most `days` apart are the same from this lower
    threshold. Within a news cycle a text is updated, re-topped and rewritten; weeks later, a text that keeps only
    part of another is a new story that recycles background."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "within_days", tuple((int(days), float(t)) for days, t in self.within_days))

    def threshold_for(self, days_apart: int | None) -> float:
        """The threshold of two texts published `days_apart` days apart (None: a date is unknown)."""
        if days_apart is not None:
            for days, threshold in self.within_days:
                if days_apart <= days:
                    return threshold
        return self.threshold

    @property
    def lowest_threshold(self) -> float:
        return min([self.threshold, *(t for _, t in self.within_days)])


@functools.cache
def settings() -> dict[str, Shingling]:
    """`documents` and `quotes`, from `data/fingerprints.json`."""
    data = json.loads(resources.files("corpus.data").joinpath("fingerprints.json").read_text(encoding="utf-8"))
    return {kind: Shingling(**values) for kind, values in data["kinds"].items()}


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
    n = shingling.shingle_words
    shingles = {" ".join(found[i:i + n]).encode() for i in range(len(found) - n + 1)}
    minhash = MinHash(num_perm=shingling.num_perm, permutations=_permutations(shingling.num_perm), scheme="affine32")
    minhash.update_batch(list(shingles))
    values, rows = minhash.hashvalues, shingling.rows
    keys = tuple(_band_key(band, values[band * rows:(band + 1) * rows]) for band in range(shingling.bands))
    return Fingerprint(tuple(int(v) for v in values), keys, len(shingles))


def quote_fingerprints(quotes: Sequence[Quote]) -> tuple[Fingerprint | None, ...]:
    """For each quote, its fingerprint if it is direct or partial (reported and indirect speech are the article's
    words) and long enough."""
    return tuple(fingerprint(q.text, "quotes") if q.kind in MATCHED_QUOTE_KINDS else None for q in quotes)


def same_text(a: Fingerprint | None, b: Fingerprint | None, kind: str, days_apart: int | None = None) -> bool:
    """Whether the warehouse puts two texts of `kind`, published `days_apart` days apart, together: they share a band
    key (so one finds the other) and their estimated measure (`resemblance`) reaches the threshold for that gap."""
    if not share_a_band(a, b):
        return False
    shingling = settings()[kind]
    return resemblance(a, b, shingling.measure) >= shingling.threshold_for(days_apart)


def share_a_band(a: Fingerprint | None, b: Fingerprint | None) -> bool:
    """Whether one of the two texts finds the other through an LSH band key."""
    return a is not None and b is not None and bool(set(a.band_keys) & set(b.band_keys))


def days_between(a: dt.date | None, b: dt.date | None) -> int | None:
    """Days between two publication dates; None if one is unknown."""
    return abs((a - b).days) if a is not None and b is not None else None


def resemblance(a: Fingerprint, b: Fingerprint, measure: str) -> float:
    """The `measure` (`jaccard` or `containment`) of two texts' shingle sets, as their MinHash signatures estimate it
    (the same formula as the warehouse's `resemblance` macro, warehouse/macros/resemblance.sql)."""
    jaccard = float(np.mean(np.asarray(a.minhash) == np.asarray(b.minhash)))
    if measure == "jaccard":
        return jaccard
    return min(jaccard * (a.n_shingles + b.n_shingles) / (1 + jaccard) / min(a.n_shingles, b.n_shingles), 1.0)


@functools.cache
def _permutations(num_perm: int) -> np.ndarray:
    """datasketch's permutations for seed 1, made once per process rather than once per text."""
    return MinHash(num_perm=num_perm, seed=1).permutations


def _band_key(band: int, values: np.ndarray) -> int:
    digest = hashlib.blake2b(band.to_bytes(2, "little") + values.astype("<u4").tobytes(), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)
