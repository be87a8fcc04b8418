"""Tell French text from other languages by its function words, so French NER runs only on French."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

MIN_HITS = 5
"""Below this many function words, the language is undetermined (`und`)."""

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


@lru_cache(maxsize=1)
def _function_words() -> dict[str, frozenset[str]]:
    data = json.loads(resources.files("corpus.data").joinpath("function_words.json").read_text("utf-8"))
    return {lang: frozenset(words) for lang, words in data.items() if not lang.startswith("_")}


def detect_language(text: str, sample_chars: int = 5000) -> str:
    """ISO 639-1 code of the language whose function words are most frequent, or `und`."""
    words = [w.lower() for w in _WORD.findall(text[:sample_chars])]
    words = [w.split("'")[-1].split("’")[-1] for w in words]
    scores = {lang: sum(1 for w in words if w in vocabulary) for lang, vocabulary in _function_words().items()}
    lang, hits = max(scores.items(), key=lambda item: item[1])
    return lang if hits >= MIN_HITS else "und"
