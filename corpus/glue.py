"""Where a text lost its separators: a word glued to the next one, or punctuation glued between two words.

Texts copied out of web pages lose spaces and paragraph breaks: "le nombre de malades a accruLa prime",
"LA FAUTE DE NICOLAS SARKOZYMarine Le Pen", `Emmanuel Macron"Le président`, `(François Bayrou)par BFMTV`,
`Jacques Chirac.14h45`. The JSONL reader cuts paragraphs at the first kind (`corpus.read.jsonl.split_paragraphs`);
the pipeline's `glue_splitter` (corpus/tokens.py) splits tokens at both, so that no entity swallows the glue.
Pure functions over text.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

_LOWER_INTO_CAPITAL = re.compile(r"(?<![\w/.'’_-])([a-zà-öø-ÿ][a-zà-öø-ÿ]+|[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]{3,})([A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]+)(?![\w/'_=:])")
"""A paragraph glued to the next without punctuation: "accruLa prime", "franceinfoPour les suspects"."""
_CAPITALS_INTO_WORD = re.compile(r"(?<![\w/.'’_-])[A-ZÀ-ÖØ-Þ]{4,}(?=[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]{2,})")
"""A heading in capitals glued to the next paragraph: "LA FAUTE DE NICOLAS SARKOZYMarine Le Pen a …"."""
_GLUED_RUN = re.compile(r"""(?<=[^\W_])([."«»“”()?!;]*["«»“”()?!;][."«»“”()?!;]*)(?=[^\W_]|["«“(])""")
"""Quotation marks, brackets, "?", "!" or ";" between two words (`Macron"Le`, `Bayrou)par`, `Philippe?par`,
`Clerc).Jean`), with any full stops beside them."""
_GLUED_ASTERISK = re.compile(r"(?<=[^\W_])(\*+)(?=[A-ZÀ-ÖØ-Þ])")
"""An asterisk between a word and a capitalised one (`Macron*Enquête`); not inside a word (`p*tain`)."""
_GLUED_CLOSE = re.compile(r"(?<=\s)([?!)»”]+)(?=[^\W\d_])")
"""A closing mark glued to the next word after a space (`politiques ?par franceinfo`): a caption's question
glued to its credit."""
_GLUED_DASH_BEFORE = re.compile(r"(?<=\s)(-+)(?=[A-ZÀ-ÖØ-Þ])")
"""A dash glued to the capitalised word after it (`Maison Blanche -Donald Trump`): a separator."""
_BULLET = re.compile(r"([•▪►]+)")
"""A bullet, which belongs to no word (`franceinfo• Port du masque`)."""
_PREFIXES = "anti|pro|ex|post|néo|neo|pré|pre|après|avant|non|ultra"
_NAME_PREFIX = re.compile(rf"(?<![\w-])(?:{_PREFIXES})-(?=[A-ZÀ-ÖØ-Þ])")
"""A prefix hyphenated to a name (`anti-Donald Trump`, `ex-Afssaps`): the name is a word of its own; not a name
that starts so (`Le Pré-Saint-Gervais`)."""
PREFIX_WORD = re.compile(rf"(?:{_PREFIXES})-")
"""The prefix alone, as `glue_splitter` leaves it: a token to take off the front of a name."""
_GLUED_STOP = re.compile(r"(?<=[^\W_]{2})\.(?=[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'’])|(?<=[^\W\d_]{2})\.\+?(?=\d)"
                         r"|(?<=[^\W\d_]{2})\.(?=[a-z]{2,5}(?:-[a-z]{2,5})+(?:/[a-z]{2,5})?(?![\w.-]))")
"""A full stop after a word of two characters or more glued to a capitalised word (`LR.Anne`, `AFP.L'`,
`14h45.Le`), after two letters glued to a number (`Chirac.14h45`, `Castaner.+3,9`), or glued to a news agency's
signature (`Biden.bur-rma`, `Paris.sm-jmb/nm`); not initials (`J.K.`, `W.O.`), domains (`Change.org`),
`Génération.s` or decimals (`3.5`)."""
_INCLUSIVE = re.compile(r"[a-zà-öø-ÿ]+\([a-zà-öø-ÿ]{1,4}\)[a-zà-öø-ÿ]*")
"""Inclusive writing, one word: `étudiant(e)s`, `acteur(rice)s`."""
_GLUED_DASH = re.compile(r"(?<=[^\W_])(\.-+|-{2,})(?=\s|$)")
"""A full stop and dash, or a double dash, glued to the word before (`Sanchez.- Moins`, `Ankara--`): list bullets."""


def glue_cuts(text: str) -> list[int]:
    """The offsets in `text` where a glued punctuation run starts or ends, and where a prefix ends before a name
    (`anti-|Donald Trump`): where a token must be cut."""
    cuts: set[int] = set()
    for pattern in (_GLUED_RUN, _GLUED_ASTERISK, _GLUED_CLOSE, _GLUED_DASH, _GLUED_DASH_BEFORE, _BULLET):
        for match in pattern.finditer(text):
            cuts.update(match.span(1))
    cuts.update(match.end() for match in _NAME_PREFIX.finditer(text))
    for match in _GLUED_STOP.finditer(text):
        cuts.update(match.span())
    for match in _INCLUSIVE.finditer(text):
        cuts.difference_update(range(match.start() + 1, match.end()))
    return sorted(cuts)


def is_web_address(text: str) -> bool:
    """A page's or a mailbox's address (`https://…`, `www.…`, `lemonde.fr/…`, `x@y.fr`); not a site's name
    ("Change.org", "Boursorama.com") nor a signature glued to a word (`Biden.bur-rma`)."""
    return "://" in text or text.lower().startswith("www.") or "/" in text or "@" in text


def word_glue(text: str, start: int = 0, end: int | None = None, *, after_function_words: bool = False) -> list[int]:
    """Where a word runs into a capitalised one with no space: after a lower-case word ("accru|La"), after a
    heading in capitals ("SARKOZY|Marine"), or after a capitalised word of four letters or more into a word that
    opens sentences ("Paris|Le"). After a function word only if `after_function_words` ("par|Cyril": a space lost
    inside a sentence, no paragraph break). Words written with an inner capital (iPhone, easyJet, YouTube,
    McDonald, LeBron, ArcelorMittal) stay whole."""
    end = len(text) if end is None else end
    cuts = []
    for match in _LOWER_INTO_CAPITAL.finditer(text, start, end):
        left, right = match.group(1), match.group(2)
        if match.group(0).lower() in _words_kept_whole():
            continue
        if left[0].isupper() and right.lower() not in _sentence_openers():
            continue
        if left in _sentence_openers() and not after_function_words:
            continue
        cuts.append(match.start(2))
    cuts.extend(match.end() for match in _CAPITALS_INTO_WORD.finditer(text, start, end))
    return sorted(cuts)


@lru_cache(maxsize=1)
def _words_kept_whole() -> frozenset[str]:
    text = resources.files("corpus.data").joinpath("words_kept_whole.txt").read_text("utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=1)
def _sentence_openers() -> frozenset[str]:
    """Words that open sentences: the function words of `function_words.json`."""
    data = json.loads(resources.files("corpus.data").joinpath("function_words.json").read_text("utf-8"))
    return frozenset(w.lower() for w in data["fr"])
