"""The rules of the `quote_ruler` component, loaded from its data files (`data/quote_rules.json`,
`data/speech_verbs.txt`): reporting verbs and their forms, attribution markers, outlets, pronouns,
and the nouns for people, organisations, institutions and documents that can speak."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from corpus.entities.outlets import Outlets
from corpus.quotes.conjugation import er_verb_forms

_WORD_SETS = ("credit_verbs", "relay_verbs", "intransitive_cues", "self_description_cues", "document_nouns",
              "interview_nouns", "outlet_nouns", "honorifics", "not_speakers", "channel_nouns", "person_nouns",
              "organisation_nouns", "institution_nouns", "indefinite_determiners", "epicene_nouns",
              "organisation_name_words", "offence_words", "offence_prepositions", "offence_complements", "work_nouns")
"""The rules that are plain lists of words in `quote_rules.json`, loaded as sets under the same names."""


@dataclass(frozen=True)
class QuoteRules:
    verbs: frozenset[str]
    verb_forms: dict[str, str]
    """Inflected forms of the -er reporting verbs, and irregular forms the lemmatizer misses, to their lemma."""
    markers: dict[str, str]
    credit_verbs: frozenset[str]
    relay_verbs: frozenset[str]
    intransitive_cues: frozenset[str]
    """Verbs that report only without a noun object ("poursuit-il", not "poursuivre les recherches")."""
    self_description_cues: frozenset[str]
    """Verbs that report with a reflexive and an attribute: "s'est dit satisfait", "s'est déclaré prêt"."""
    outlets: frozenset[str]
    outlet_nouns: frozenset[str]
    pronouns: dict[str, tuple[str, str]]
    """Subject pronouns with the (gender, number) their antecedent must agree with."""
    honorifics: frozenset[str]
    honorific_genders: dict[str, str]
    marks: tuple[tuple[str, str], ...]
    term_max_words: int
    not_speakers: frozenset[str]
    channel_nouns: frozenset[str]
    person_nouns: frozenset[str]
    """Nouns for people who speak ("le ministre", "le chercheur")."""
    organisation_nouns: frozenset[str]
    """Nouns for organisations named before they are described ("l'ONG", "l'agence")."""
    institution_nouns: frozenset[str]
    """Nouns for institutions that speak as themselves ("l'armée", "la police")."""
    document_nouns: frozenset[str]
    """Documents that speak for their authors ("le communiqué du ministère", "un rapport de la Ligue arabe")."""
    interview_nouns: frozenset[str]
    """Documents whose words are the interviewee's, not the outlet's that publishes them ("une interview au Monde")."""
    indefinite_determiners: frozenset[str]
    """"un conseiller", "des proches": someone the article does not name, never the holder of a role it names."""
    epicene_nouns: frozenset[str]
    """Nouns whose grammatical gender says nothing of the person ("une source", "la victime")."""
    organisation_name_words: frozenset[str]
    """Words that make a capitalised name an organisation's, whatever its first word ("Harris Interactive")."""
    offence_words: frozenset[str]
    """Words of criminal procedure ("mis en examen", "coupable", "enquête") that make a quoted noun phrase after
    `offence_prepositions` the name of an offence ("pour « mise en danger de la vie d'autrui »"), a term."""
    offence_prepositions: frozenset[str]
    offence_complements: frozenset[str]
    """"de" in "coupable de « ... »": an offence's name after it only right after one of `offence_words`."""
    work_nouns: frozenset[str]
    """Words after which a quote is a title ("son livre « ... »", "intitulé « ... »"), a term."""
    title_case_share: float
    """The share of capitalised words from which a quote of four words or more is a title in English capitals."""
    marker_words: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = dataclasses.field(default_factory=dict)
    """Markers as the tokenizer splits them, keyed by their first token: {"d'": (("d'après", ("d'", "après")),)}."""

    gendered_nouns: dict[str, str] = dataclasses.field(default_factory=dict)
    """Person nouns in -e with a gender of their own ("mère", "père"), to that gender ("Fem", "Masc")."""
    speaker_kind_nouns: dict[str, frozenset[str]] = dataclasses.field(default_factory=dict)
    """The nouns of each kind of speaker a description can be, in the order they are tried (`document`, `anonymous`,
    `organisation`, `group`): the lists of `speaker_kind_nouns`, with `document_nouns` among the documents and
    `organisation_nouns` and `institution_nouns` among the organisations."""
    speaking_nouns: frozenset[str] = frozenset()
    """Nouns for people, organisations and institutions: the nouns a speaker can be."""

    def tokenized(self, tokenizer) -> QuoteRules:
        by_first: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        for marker in self.markers:
            words = tuple(t.lower_ for t in tokenizer(marker))
            by_first.setdefault(words[0], []).append((marker, words))
        return dataclasses.replace(self, marker_words={k: tuple(v) for k, v in by_first.items()})

    @classmethod
    @lru_cache(maxsize=4)
    def load(cls, rules_path: str | None = None, verbs_path: str | None = None) -> QuoteRules:
        data_dir = resources.files("corpus.data")
        rules = json.loads((open(rules_path, encoding="utf-8").read() if rules_path
                            else data_dir.joinpath("quote_rules.json").read_text("utf-8")))
        verbs_text = (open(verbs_path, encoding="utf-8").read() if verbs_path
                      else data_dir.joinpath("speech_verbs.txt").read_text("utf-8"))
        verbs = {line.strip() for line in verbs_text.splitlines() if line.strip() and not line.startswith("#")}
        forms = {form: verb for verb in sorted(verbs) for form in er_verb_forms(verb)}
        forms.update({form: verb for verb, irregular in rules["irregular_verb_forms"].items() for form in irregular})
        word_sets = {name: frozenset(rules[name]) for name in _WORD_SETS}
        return cls(
            verbs=frozenset(verbs),
            verb_forms=forms,
            markers=dict(rules["attribution_markers"]),
            outlets=frozenset(o.lower() for o in Outlets.load().names()),
            pronouns={word: tuple(agreement) for word, agreement in rules["pronouns"].items()},
            honorific_genders=dict(rules["honorific_genders"]),
            marks=tuple(tuple(pair) for pair in rules["quote_marks"]),
            term_max_words=int(rules["term_max_words"]),
            title_case_share=float(rules["title_case_share"]),
            **word_sets,
            gendered_nouns={noun: gender for gender, nouns in rules["gendered_nouns"].items() for noun in nouns},
            speaker_kind_nouns=_speaker_kind_nouns(rules["speaker_kind_nouns"], word_sets),
            speaking_nouns=word_sets["person_nouns"] | word_sets["organisation_nouns"] | word_sets["institution_nouns"],
        )


def _speaker_kind_nouns(listed: dict[str, list[str]], word_sets: dict[str, frozenset[str]]) -> dict[str, frozenset[str]]:
    more = {"document": word_sets["document_nouns"],
            "organisation": word_sets["organisation_nouns"] | word_sets["institution_nouns"]}
    return {kind: frozenset(listed.get(kind, ())) | more.get(kind, frozenset())
            for kind in ("document", "anonymous", "organisation", "group")}
