"""Keys that group entity mentions into entities: the same name, whatever its accents and case."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_NON_WORD = re.compile(r"[\W_]+")


def entity_key(text: str, label: str) -> str:
    """`label:folded name`, e.g. "PER:vladimir poutine" for "Vladimir POUTINE"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return f"{label}:{_NON_WORD.sub(' ', folded).strip()}"


def entity_id(key: str) -> str:
    """A stable short id for an entity key."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
