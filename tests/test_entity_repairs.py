"""Entity mentions repaired, not dropped, on real OrangeSum articles (read from ../shared): each article below gave a
junk-shaped entity before its class of repair, and now gives the name, with offsets that still hold."""

from __future__ import annotations

import pytest

from corpus.nlp import annotate
from flows.evaluate import orangesum_articles
from tests.conftest import shared
from warehouse.load import load_batch, open_warehouse, start_run

REPAIRS = [
    # (record id, junk entity before, repaired (text, label), class of repair)
    ("21856", 'Emmanuel Macron"Le', ("Emmanuel Macron", "PER"), "a quotation mark glued to the next paragraph"),
    ("12062", "François Bayrou)par", ("François Bayrou", "PER"), "a bracket glued to a video credit"),
    ("2298", "franceinfo\n\n", ("franceinfo", "ORG"), "a question mark glued to a credit: `?par franceinfo`"),
    ("21898", "Jacques Chirac.14h45", ("Jacques Chirac", "PER"), "a full stop glued to a time"),
    ("533", "LR.Anne Hidalgo", ("Anne Hidalgo", "PER"), "a full stop glued to a name"),
    ("610", "Premier ministre Edouard Philippe", ("Edouard Philippe", "PER"), "a leading role"),
    ("9030", "Édouard Philippe ndlr", ("Édouard Philippe", "PER"), "an editorial mark"),
    ("16076", "Gérard Larcher Mardi", ("Gérard Larcher", "PER"), "a trailing weekday"),
    ("3399", "Édouard Philippe à Matignon", ("Édouard Philippe", "PER"), "a trailing lower-case phrase"),
    ("35515", "Gérald Darmanin Ministre du Travail", ("Gérald Darmanin", "PER"), "a trailing role"),
    ("4092", "Économie Bruno Le Maire", ("Bruno Le Maire", "PER"), "a minister's portfolio before the name"),
    ("928", "Rassemblement national Marine Le Pen", ("Marine Le Pen", "PER"), "a party before the name"),
    ("987", "Suédoise Greta Thunberg", ("Greta Thunberg", "PER"), "a demonym before the name"),
    ("35292", "Emmanuel Macron Sylvain Fort", ("Sylvain Fort", "PER"), "two names run together"),
    ("4045", "anti-Donald Trump", ("Donald Trump", "PER"), "a prefix hyphenated to the name"),
    ("15838", "Emmanuel Macron*Enquête", ("Emmanuel Macron", "PER"), "an asterisk glued to the next paragraph"),
    ("26370", "Christophe Castaner.+3,9", ("Christophe Castaner", "PER"), "a full stop and a sign glued to a figure"),
    ("4689", "Joe Biden.bur-rma", ("Joe Biden", "PER"), "a news agency's signature glued to the name"),
    ("26498", "VALLS Manuel Valls", ("Manuel Valls", "PER"), "a heading in capitals before the name"),
]


@pytest.fixture(scope="module")
def annotated():
    shared("data/articles/orangesum/orangesum_articles.jsonl.gz")
    keys = [record for record, *_ in REPAIRS]
    return dict(zip(keys, annotate(orangesum_articles(shared(""), keys))))


@pytest.mark.parametrize("record, junk, repaired, why", REPAIRS, ids=[r[3] for r in REPAIRS])
def test_a_junk_shaped_mention_is_repaired_into_its_name(annotated, record, junk, repaired, why):
    found = {(m.text, m.label) for m in annotated[record].mentions}
    assert repaired in found
    assert junk not in {text for text, _ in found}


def test_repaired_mentions_keep_offsets_that_hold_and_roles_as_titles(annotated):
    for result in annotated.values():
        for mention in result.mentions:
            if mention.part == "text":
                assert result.article.text[mention.start:mention.end] == mention.text
    titles = {m.title for m in annotated["610"].mentions if m.text == "Edouard Philippe"}
    assert any(title and title.endswith("ministre") for title in titles)  # "Premier ministre", "ministre"


def test_an_institution_is_taken_whole_and_an_outlet_after_a_contraction_is_found():
    from corpus.nlp import load_pipeline

    doc = load_pipeline()("Le parquet de Paris a ouvert une enquête, a indiqué une source proche du dossier au "
                          "Parisien, avant que l'université de Strasbourg ne soit saisie.")
    found = {(e.text, e.label_) for e in doc.ents}
    assert {("parquet de Paris", "ORG"), ("Parisien", "ORG"), ("université de Strasbourg", "ORG")} <= found
    assert ("Paris", "LOC") not in found


def test_canonical_entities_are_the_same_whatever_the_order_of_loading(tmp_path, annotated):
    batches = list(annotated.values())
    for name, order in (("forward.duckdb", batches), ("backward.duckdb", batches[::-1])):
        with open_warehouse(tmp_path / name) as con:
            start_run(con, "r1", pipeline_version="v", flow_run_id=None, arguments="")
            for i in range(0, len(order), 4):
                load_batch(con, "r1", order[i:i + 4], [], 0)
    tables = []
    for name in ("forward.duckdb", "backward.duckdb"):
        with open_warehouse(tmp_path / name, read_only=True) as con:
            tables.append((con.execute("SELECT entity_id, name, label, list_sort(aliases), n_mentions, n_docs "
                                       "FROM entities ORDER BY 1").fetchall(),
                           con.execute("SELECT * FROM entity_aliases ORDER BY ALL").fetchall()))
    assert tables[0] == tables[1]
    assert len(tables[0][0]) > 100


@pytest.fixture(scope="module")
def cleaner():
    from corpus.entities.rules import EntityCleaner, EntityRules
    from corpus.nlp import load_pipeline

    nlp = load_pipeline()
    return nlp, EntityCleaner(nlp.make_doc, EntityRules.load())


def test_a_role_before_a_name_and_a_name_after_ministre_de_are_kept(cleaner):
    from spacy.tokens import Span

    nlp, clean = cleaner
    doc = nlp.make_doc("Le président Macron a reçu l'ancien ministre de Nicolas Sarkozy et le Premier ministre du Japon.")
    macron = clean.fix(Span(doc, 1, 3, label="PER"))
    assert (macron.text, macron._.title) == ("Macron", "président")
    assert clean.fix(Span(doc, 9, 11, label="PER")).text == "Nicolas Sarkozy"
    assert clean.fix(Span(doc, 16, 17, label="LOC")).text == "Japon"
    portfolio = nlp.make_doc("la ministre de la Transition écologique")
    assert clean.fix(Span(portfolio, 4, 6, label="MISC")) is None


def test_a_place_or_body_noun_keeps_the_name_after_it_whole_and_a_country_stays_a_country(cleaner):
    from spacy.tokens import Span

    nlp, clean = cleaner
    doc = nlp.make_doc("Il est à l'Hôpital Européen Georges Pompidou, au service de la France.")
    hospital = Span(doc, 4, 8, label="LOC")
    assert clean.split_names(hospital) == [hospital]
    assert clean.with_head(Span(doc, 13, 14, label="LOC")).text == "France"


def test_one_label_per_name_by_majority_and_capitals_follow_the_person():
    import spacy
    from spacy.tokens import Span

    from corpus.entities.rules import consistent_labels

    doc = spacy.blank("fr")("Amazon , Amazon , Amazon , Amazon . FRANÇOIS DE RUGY DÉMISSIONNE . François de Rugy")
    spans = [Span(doc, 0, 1, "ORG"), Span(doc, 2, 3, "ORG"), Span(doc, 4, 5, "PER"), Span(doc, 6, 7, "ORG"),
             Span(doc, 8, 11, "MISC"), Span(doc, 13, 16, "PER")]
    assert [s.label_ for s in consistent_labels(spans)] == ["ORG", "ORG", "ORG", "ORG", "PER", "PER"]


def test_a_span_holding_a_person_the_document_names_is_cut_to_that_person(cleaner):
    from spacy.tokens import Span

    from corpus.entities.rules import consistent_labels

    nlp, _ = cleaner
    doc = nlp("Kim Kardashian West et Kim Kardashian ont vu Édouard Philippe. Édouard Philippe Sandro Gozi et Fillon "
              "Emmanuel Macron ont lu NOUVEAUX AMIS DE FRANÇOIS FILLON, puis François Fillon et Emmanuel Macron.")
    words = [t.text for t in doc]

    def span(text: str, label: str, after: int = 0) -> Span:
        n = len(text.split())
        start = next(i for i in range(after, len(words)) if words[i:i + n] == text.split())
        return Span(doc, start, start + n, label=label)

    spans = [span("Kim Kardashian West", "PER"), span("Kim Kardashian", "PER", 3), span("Édouard Philippe", "PER"),
             span("Édouard Philippe Sandro Gozi", "PER", 10), span("Fillon Emmanuel Macron", "PER"),
             span("NOUVEAUX AMIS DE FRANÇOIS FILLON", "MISC"), span("François Fillon", "PER"),
             span("Emmanuel Macron", "PER", 25)]
    found = [(s.text, s.label_) for s in consistent_labels(spans)]
    assert ("Kim Kardashian West", "PER") in found  # a surname goes on, no second name
    assert {("Sandro Gozi", "PER"), ("Fillon", "PER"), ("FRANÇOIS FILLON", "PER")} <= set(found)
    assert found.count(("Édouard Philippe", "PER")) == 2 and found.count(("Emmanuel Macron", "PER")) == 2
    assert not [text for text, _ in found if "AMIS" in text or "Gozi" in text and "Philippe" in text]


def test_the_garde_des_sceaux_is_a_role_not_the_town_of_sceaux():
    shared("data/articles/orangesum/orangesum_articles.jsonl.gz")
    result = next(annotate(orangesum_articles(shared(""), ["234"])))
    assert "garde des Sceaux" in result.article.text
    assert "Sceaux" not in {m.text for m in result.mentions}
    assert ("Eliane Houlette", "PER") in {(m.text, m.label) for m in result.mentions}


def test_a_web_address_is_no_part_of_an_entity():
    shared("data/articles/orangesum/orangesum_articles.jsonl.gz")
    results = list(annotate(orangesum_articles(shared(""), ["27114", "26952"])))
    assert all("https://" in result.article.text for result in results)
    assert not [m.text for result in results for m in result.mentions if "://" in m.text or "www." in m.text]
