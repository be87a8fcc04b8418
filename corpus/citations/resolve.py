"""Citations: the sources an article rests on, and which quote comes from where.

- Notes become citations of kind `reference` (a note that points to a source) or `note` (an explanation). Their
  fields are read from French bibliographic habits: an author's name then a comma, a publication set in italics or
  named in `data/outlets.json`, a French date, a title in « » or italics, "(Publisher, 1979)", a URL. "op. cit.",
  "art. cit." point back to the earlier note by the same author or publication, "ibid." and "id." to the note before.
- Inline credits ("selon l'AFP", "rapporte Ouest-France", "a déclaré à la BBC", "selon le quotidien La Montagne")
  become citations of kind `inline`, with their sentence.
- URLs in the body (Markdown links, bare URLs) become citations of kind `url`.
- Each quote links to the notes called in its sentence, to the notes those repeat, and to the inline credits of its
  sentence; the outlet quote_ruler credits it to (`Quote.reported_via`) is a credit of its own if no pattern found it.

Outlets are normalised by `corpus.entities.outlets`. The rules are data: `data/citation_rules.json`.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from urllib.parse import urlsplit

from corpus.entities.outlets import Outlets, bare_name, outlet_key
from corpus.read.authors import normalize_author
from corpus.read.dates import MONTHS, find_french_date, fold
from corpus.records import Article, Citation, Note, Quote, Sentence

_URL = re.compile(r"\bhttps?://[^\s<>«»\"]+|\bwww\.[a-z0-9-]+\.[^\s<>«»\"]+", re.IGNORECASE)
_URL_END = ".,;:!?)]'’"
_AUTHOR = re.compile(r"^((?:[A-ZÀ-Ý][\w'’.-]*|[A-Z]\.)(?:\s+(?:[A-ZÀ-Ý][\w'’.-]*|[A-Z]\.|de|d['’]|du|van|von|le|la)){1,4})\s*,")
_GUILLEMETS = re.compile(r"«\s*(.+?)\s*»|“\s*(.+?)\s*”")
_PUBLISHED_BY = re.compile(r"\(\s*([^(),]{2,60}?)\s*,\s*((?:1[5-9]|20)\d\d)\s*\)")
_YEAR = re.compile(r"\b((?:1[5-9]|20)\d\d)\b")
_MONTH_YEAR = re.compile(rf"\b(?:{'|'.join(sorted(MONTHS, key=len, reverse=True))})\.?\s+((?:1[5-9]|20)\d\d)\b")
_NAME_RUN = r"[A-ZÀ-Ý][\w’'-]*(?:\s+(?:(?:de|du|des|d['’])\s*)?[A-ZÀ-Ý0-9][\w’'-]*){0,3}"
_DETERMINERS = r"(?:l['’]\s*|le\s+|la\s+|les\s+|au\s+|aux\s+|du\s+|des\s+)"


@dataclass(frozen=True)
class CitationRules:
    repeat_previous: re.Pattern
    repeat_earlier: re.Pattern
    reference_opener: re.Pattern
    prose_word: re.Pattern
    prose_min_words: int
    publisher: re.Pattern
    credit: re.Pattern
    """Inline credits: a cue then an outlet (`before`), or an outlet then a credit verb (`after`)."""
    also_credited: re.Pattern
    """Outlets credited with the one before ("selon RTL et l'AFP")."""
    reported_media: frozenset[str]
    """Nouns that make quote_ruler's credit a media outlet ("les agences de presse"), not a channel ("un communiqué")."""
    channel_possessives: frozenset[str]
    """A credit that opens with one ("sur son site", "sa page") is the speaker's own channel, not a media outlet."""
    media_named: re.Pattern
    """A media noun, then the outlet's name: "le quotidien Nord Littoral"."""
    media_anaphor: re.Pattern
    """A definite media noun alone ("indique le quotidien"): the outlet named last."""
    media_run_on: re.Pattern
    """A media description that runs on into the speaker ("au quotidien régional le maire de …")."""

    @classmethod
    @lru_cache(maxsize=1)
    def load(cls) -> CitationRules:
        rules = json.loads(resources.files("corpus.data").joinpath("citation_rules.json").read_text("utf-8"))

        def any_of(patterns: list[str]) -> str:
            return "(?:" + "|".join(patterns) + ")"

        credit, also_credited = _credit_pattern(rules, Outlets.load())
        media = (rf"(?i:le\s+|la\s+|l['’]\s*|les\s+)?{any_of(rules['media_nouns'])}"
                 rf"(?:\s+{any_of(rules['descriptor_adjectives'])}){{0,2}}")
        return cls(
            repeat_previous=re.compile(rf"(?<!\w){any_of(rules['repeat_previous'])}(?!\w)", re.IGNORECASE),
            repeat_earlier=re.compile(rf"(?<!\w){any_of(rules['repeat_earlier'])}", re.IGNORECASE),
            reference_opener=re.compile(rf"^{any_of(rules['reference_openers'])}(?!\w)", re.IGNORECASE),
            prose_word=re.compile(rf"(?<!\w){any_of(rules['prose_words'])}(?!\w)", re.IGNORECASE),
            prose_min_words=int(rules["prose_min_words"]),
            publisher=re.compile(rf"(?<!\w){any_of(rules['publisher_words'])}\s+([A-ZÀ-Ý][^,;()]*?)\s*(?=[,;().]|$)",
                                 re.IGNORECASE),
            credit=credit,
            also_credited=also_credited,
            reported_media=frozenset(rules["reported_media_nouns"]),
            channel_possessives=frozenset(rules["channel_possessives"]),
            media_named=re.compile(rf"^{media}\s+(?P<name>{_NAME_RUN})$"),
            media_anaphor=re.compile(rf"^(?i:le\s+|la\s+|l['’]\s*)?{any_of(rules['media_nouns'])}$"),
            media_run_on=re.compile(rf"^{media}(?=\s+(?:le|la|les|l['’]|une?)\b)"),
        )


def _credit_pattern(rules: dict, outlets: Outlets) -> tuple[re.Pattern, re.Pattern]:
    """One pattern for inline credits. Outlet names match as written (case and all), the words around them in any
    case. A name right after a media noun ("le quotidien La Montagne") is an outlet even when the list does not know
    it; after other nouns ("les informations du Parisien", "l'article L1413-4") only a known outlet is."""
    names = sorted(set(outlets.names()), key=len, reverse=True)
    bare = sorted({b for n in names if (b := bare_name(n))}, key=len, reverse=True)
    known = "(?:" + "|".join(re.escape(n) for n in names) + ")"
    after_article = "(?:" + "|".join(re.escape(n) for n in bare + names) + ")"
    end = r"(?![\w-])"

    outlet = (rf"(?:{_descriptor(rules['media_nouns'], rules)}(?:(?i:{_DETERMINERS})?(?P<@known>{after_article}|{known}){end}"
              rf"|(?P<@named>{_NAME_RUN}){end})"
              rf"|{_descriptor(rules['context_nouns'], rules)}(?i:{_DETERMINERS})?(?P<@context>{after_article}|{known}){end}"
              rf"|(?i:{_DETERMINERS})(?P<@bare>{after_article}){end}|(?P<@full>{known}){end})")
    cue = "(?i:" + "|".join(rules["credit_cues_before"]) + ")"
    weak = "(?i:" + "|".join(rules["weak_cues_before"]) + ")"
    verb = "(?i:" + "|".join(rules["credit_verbs_after"]) + ")"
    before = rf"(?<!\w)(?:{cue}|(?P<weak>{weak}))\s*(?:(?i:de\s+|d['’]\s*))?{outlet.replace('@', 'b_')}"
    after = rf"(?<![\w'’]){outlet.replace('@', 'a_')}\s+{verb}(?!\w)"
    also = rf"\s*(?:,|(?i:et|ou))\s*(?P<also>{outlet.replace('@', 'c_')})"
    return re.compile(f"(?P<before>{before})|(?P<after>{after})"), re.compile(also)


def _descriptor(nouns: list[str], rules: dict) -> str:
    """A noun that introduces an outlet ("le quotidien régional", "les informations du"). Nouns in lower case, as
    French writes them: "Radio Sawa" is a name, not "la radio" + "Sawa"."""
    adjectives = "(?:" + "|".join(rules["descriptor_adjectives"]) + ")"
    return (rf"(?i:{_DETERMINERS}|une?\s+|nos\s+|notre\s+|ses\s+|son\s+|sa\s+)?(?:{'|'.join(nouns)})"
            rf"(?i:(?:\s+{adjectives}){{0,2}}\s*(?:de\s+|d['’]\s*|du\s+|des\s+)?)")


# -- notes ----------------------------------------------------------------------------------------

def note_citations(notes: tuple[Note, ...], rules: CitationRules | None = None) -> list[Citation]:
    """One citation per note, in order, repeats ("op. cit.", "ibid.") resolved to the note they repeat."""
    rules = rules or CitationRules.load()
    outlets = Outlets.load()
    citations: list[Citation] = []
    for note in notes:
        citations.append(_parse_note(note, rules, outlets, citations))
    return citations


def _parse_note(note: Note, rules: CitationRules, outlets: Outlets, earlier: list[Citation]) -> Citation:
    text = note.text
    url_match = _URL.search(text)
    url = url_match.group().rstrip(_URL_END) if url_match else None
    found_date = find_french_date(text)
    guillemets = [m.group(1) or m.group(2) for m in _GUILLEMETS.finditer(text)]
    italics = [text[s:e].strip(" ,.;:") for s, e in note.italics]
    outlet = next((o for o in map(outlets.find, italics) if o), None) or _named_outlet(text) or (
        outlets.for_domain(_domain(url)) if url else None)
    publication = outlet.name if outlet else None
    works = [t for t in italics if not outlets.find(t)]
    title = guillemets[0] if guillemets else (works[0] if works else None)
    if publication is None and guillemets and works:
        publication = works[0]  # « Article », *Revue*: the article's title, then where it appeared
    publisher, year = _publisher_and_year(text, rules)
    if year is None:
        month_year = _MONTH_YEAR.search(fold(text))
        year = found_date[0].year if found_date else int(month_year[1]) if month_year else None
    author_match = _AUTHOR.match(text)
    author = normalize_author(author_match[1]) if author_match and not outlets.find(author_match[1]) else None
    repeats = "previous" if rules.repeat_previous.search(text) else "earlier" if rules.repeat_earlier.search(text) else None
    fields = dict(author=author, publication=publication, outlet_key=outlet_key(publication) if publication else None,
                  published_date=found_date[0] if found_date else None, title=title, publisher=publisher, year=year,
                  url=url, domain=_domain(url) if url else None)
    same_as = _repeated(repeats, fields, earlier) if repeats else None
    has_source = any(fields[k] for k in ("author", "publication", "title", "publisher", "url"))
    is_reference = bool(url or repeats or rules.reference_opener.match(text)) or (
        has_source and not _is_prose(text, note.italics, rules))
    kind = "reference" if is_reference else "note"
    return Citation(kind=kind, key=f"{kind}:{note.marker}", raw_text=text, marker=note.marker,
                    same_as=same_as.key if same_as else None, **fields)


@lru_cache(maxsize=1)
def _known_names(outlets: Outlets) -> re.Pattern:
    names = sorted(set(outlets.names()), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in names) + r")(?![\w-])")


def _publisher_and_year(text: str, rules: CitationRules) -> tuple[str | None, int | None]:
    """"(Casterman, 1979)", or "éditions Philippe Picquier, Paris, 2017"."""
    match = _PUBLISHED_BY.search(text)
    if match:
        return match[1], int(match[2])
    match = rules.publisher.search(text)
    if match:
        year = _YEAR.search(text, match.end())
        return match[1], int(year[1]) if year else None
    return None, None


def _is_prose(text: str, italics: tuple[tuple[int, int], ...], rules: CitationRules) -> bool:
    """An explanation, not a reference: sentences with verbs and pronouns outside the titles it names."""
    outside = text
    for start, end in sorted(italics, reverse=True):
        outside = outside[:start] + " " + outside[end:]
    outside = _GUILLEMETS.sub(" ", outside)
    return len(rules.prose_word.findall(outside)) >= rules.prose_min_words


def _repeated(repeats: str, fields: dict, earlier: list[Citation]) -> Citation | None:
    """The note a repeat stands for: the one before ("ibid."), or the latest earlier one with the same author,
    else publication, else title ("op. cit."); a repeat of a repeat resolves to the note first cited."""
    candidates = [c for c in earlier if c.kind == "reference"]
    if repeats == "previous":
        target = earlier[-1] if earlier else None
    else:
        target = next((c for field in ("author", "outlet_key", "title") if fields[field]
                       for c in reversed(candidates) if getattr(c, field) == fields[field]), None)
    while target is not None and target.same_as is not None:
        target = next((c for c in earlier if c.key == target.same_as), None)
    return target


def _domain(url: str) -> str:
    """The URL's host without `www.`, or "" when it has none that parses (`https://x[12]` raises in urlsplit)."""
    try:
        host = urlsplit(url if "://" in url else f"http://{url}").hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


# -- the body -------------------------------------------------------------------------------------

def inline_credits(text: str, sentences: tuple[Sentence, ...], quotes: tuple[Quote, ...] = (),
                   rules: CitationRules | None = None) -> list[Citation]:
    """Outlets credited in the running text, each with its sentence. A weak cue ("sur France Inter") credits an
    outlet only in a sentence that reports someone's words; elsewhere it names a programme's channel ("« Clem »
    sur TF1", whose quoted title has no speaker and no cue)."""
    rules = rules or CitationRules.load()
    outlets = Outlets.load()
    starts = [s.start for s in sentences]
    speech = {_sentence_of(starts, q.start) for q in quotes if q.kind != "term" and (q.cue or q.speaker_name)}
    credits: list[Citation] = []
    for match in rules.credit.finditer(text):
        sentence = _sentence_of(starts, match.start())
        if match["weak"] and sentence not in speech:
            continue
        found = [(match.start(), match.end(), _credited_name(match, "b_" if match["before"] else "a_"))]
        while (more := rules.also_credited.match(text, found[-1][1])) is not None:
            found.append((more.start("also"), more.end(), _credited_name(more, "c_")))
        for start, end, name in found:
            outlet = outlets.find(name)
            publication = outlet.name if outlet else name
            credits.append(Citation(kind="inline", key=f"inline:{len(credits)}", raw_text=text[start:end].strip(),
                                    publication=publication, outlet_key=outlet_key(publication), start=start, end=end,
                                    sentence_index=sentence))
    return credits


def _credited_name(match: re.Match, side: str) -> str:
    return next(match[side + g] for g in ("known", "context", "bare", "full", "named") if match[side + g])


def url_citations(article: Article, sentences: tuple[Sentence, ...]) -> list[Citation]:
    """Links and bare URLs of the body, each with its domain and the outlet that owns it."""
    outlets = Outlets.load()
    starts = [s.start for s in sentences]
    found = [(link.start, link.end, link.url) for link in article.links if link.url.startswith(("http://", "https://"))]
    for match in _URL.finditer(article.text):
        url = match.group().rstrip(_URL_END)
        if not any(s <= match.start() < e for s, e, _ in found):
            found.append((match.start(), match.start() + len(url), url))
    citations = []
    for start, end, url in sorted(found):
        domain = _domain(url)
        outlet = outlets.for_domain(domain)
        citations.append(Citation(kind="url", key=f"url:{len(citations)}", raw_text=article.text[start:end], url=url,
                                  domain=domain, publication=outlet.name if outlet else None,
                                  outlet_key=outlet.key if outlet else None, start=start, end=end,
                                  sentence_index=_sentence_of(starts, start)))
    return citations


def _sentence_of(starts: list[int], offset: int) -> int | None:
    return bisect.bisect_right(starts, offset) - 1 if starts else None


# -- quotes ---------------------------------------------------------------------------------------

def cite(article: Article, sentences: tuple[Sentence, ...], quotes: tuple[Quote, ...],
         quote_notes: tuple[tuple[str, ...], ...]) -> tuple[tuple[Citation, ...], tuple[tuple[str, ...], ...]]:
    """The article's citations, and for each quote the keys of the citations it comes from."""
    notes = note_citations(article.notes)
    rules = CitationRules.load()
    credits = inline_credits(article.text, sentences, quotes, rules)
    by_marker = {c.marker: c for c in notes}
    by_key = {c.key: c for c in notes}
    links: list[tuple[str, ...]] = []
    for quote, markers in zip(quotes, quote_notes):
        keys: list[str] = []
        for marker in markers:
            citation = by_marker.get(marker)
            while citation is not None and citation.key not in keys:
                keys.append(citation.key)
                citation = by_key.get(citation.same_as)
        start, end = _quote_window(quote, sentences)
        near = [c for c in credits if c.start is not None and start <= c.start < end]
        keys += [c.key for c in near]
        if _is_media(quote.reported_via, rules):
            credit = _reported_credit(article.text, quote.reported_via, start, end, sentences, len(credits), rules)
            same = _known_credit(credit, near, credits, start, rules)
            if same is None:
                credits.append(credit)
            keys.append(same.key if same else credit.key)
        links.append(tuple(dict.fromkeys(keys)))
    return tuple(notes + credits + url_citations(article, sentences)), tuple(links)


def _known_credit(credit: Citation, near: list[Citation], credits: list[Citation], window_start: int,
                  rules: CitationRules) -> Citation | None:
    """The credit already found that quote_ruler's credit stands for: one of the quote's sentences to the same
    outlet (or to any outlet, for a mere description), the same words credited for an earlier quote, or, for "le
    quotidien" or "l'hebdomadaire" alone, the outlet credited last before it."""
    same_outlet = next((c for c in near if c.outlet_key and c.outlet_key == credit.outlet_key
                        or credit.outlet_key is None), None)
    repeated = next((c for c in credits if (c.raw_text, c.start) == (credit.raw_text, credit.start)), None)
    if same_outlet or repeated or not rules.media_anaphor.match(credit.raw_text):
        return same_outlet or repeated
    offset = credit.start if credit.start is not None else window_start
    earlier = [c for c in credits if c.outlet_key and c.start is not None and c.start < offset]
    return max(earlier, key=lambda c: c.start, default=None)


def _quote_window(quote: Quote, sentences: tuple[Sentence, ...]) -> tuple[int, int]:
    """The sentences a quote stands in, and a few characters past its end (as `quotes.notes_for_quotes` reads)."""
    touched = [s for s in sentences if s.start <= quote.end + 2 and s.end >= quote.start]
    return min((s.start for s in touched), default=quote.start), max([s.end for s in touched] + [quote.end + 3])


def _is_media(reported_via: str | None, rules: CitationRules) -> bool:
    """quote_ruler's credit names an outlet ("AFP", "les agences de presse"), not a channel ("un communiqué")."""
    words = re.findall(r"\w+", (reported_via or "").lower())
    if not words or words[0] in rules.channel_possessives:
        return False
    return _named_outlet(reported_via) is not None or any(word in rules.reported_media for word in words)


def _named_outlet(phrase: str):
    """The known outlet a phrase names: all of it ("l'AFP"), or the longest name in it ("la chaîne BFM TV")."""
    outlets = Outlets.load()
    return outlets.find(phrase) or max((o for o in map(outlets.find, _known_names(outlets).findall(phrase)) if o),
                                       key=lambda o: len(o.name), default=None)


def _reported_credit(text: str, reported_via: str, start: int, end: int, sentences: tuple[Sentence, ...],
                     index: int, rules: CitationRules) -> Citation:
    """The credit quote_ruler found where no pattern did: a known outlet, a name ("Radio Sawa"), or a description
    ("les agences de presse", "le quotidien") that names no one outlet and so has no outlet key."""
    outlet = _named_outlet(reported_via)
    described = rules.media_named.match(reported_via)
    run_on = rules.media_run_on.match(reported_via)
    name = described["name"] if described else run_on.group() if run_on else reported_via
    named = name[:1].isupper() and bare_name(name) is None
    publication = outlet.name if outlet else name
    at = text.find(reported_via, start, end)
    return Citation(kind="inline", key=f"inline:{index}", raw_text=reported_via, publication=publication,
                    outlet_key=outlet.key if outlet else outlet_key(name) if named else None,
                    start=at if at >= 0 else None, end=at + len(reported_via) if at >= 0 else None,
                    sentence_index=_sentence_of([s.start for s in sentences], at if at >= 0 else start))
