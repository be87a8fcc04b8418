"""JSONL records: OrangeSum's fields as is, other fields by mapping, glued paragraphs split again."""

import json

import pytest

from corpus.read.jsonl import BadRecord, field_names, glue_splits, parse_jsonl_record, split_paragraphs
from tests.conftest import ROOT, shared, wikinews_records

GLUE_SPLITS_ON_SAMPLE_500 = 88
"""What `python tools/glue_splits.py` counts (eval/glue_splits/README.md)."""


def parse(record, mapping=None):
    line = record if isinstance(record, str) else json.dumps(record, ensure_ascii=False)
    return parse_jsonl_record(line, source_uri="x.jsonl#1", content_sha256="0", names=field_names(mapping))


def test_record_fields_in_orangesum_shape():
    record = next(r for r in wikinews_records(8) if r["title"].startswith("France : agression antisémite"))
    article = parse(record)
    assert article.title == record["title"]
    assert article.lede == record["heading"]
    assert article.published_date.isoformat() == record["date"] == "2012-07-05"
    assert article.text.startswith(record["heading"] + "\n\n")
    bodies = [article.text[p.start:p.end] for p in article.body_paragraphs]
    # The three paragraphs glued as OrangeSum glues them ("...de l'Intérieur.Le ministère...") come apart again.
    assert [b[:32] for b in bodies] == [
        "Les agresseurs auraient remarqué", "Le ministère s'est dit déterminé", "Déjà au début du mois dernier, t"]
    assert bodies[1].endswith("énormément de vocations ».")


def _letters(text: str) -> str:
    return "".join(c for c in text if c.isalnum())


def test_every_record_keeps_its_words_and_maps_back():
    for record in wikinews_records(8):
        article = parse(record)
        body = "".join(article.text[p.start:p.end] for p in article.body_paragraphs)
        assert body and _letters(record["article"]).endswith(_letters(body))
        for clean_start, raw_start, length in article.offset_map.runs:
            assert article.text[clean_start:clean_start + length] == article.raw_text[raw_start:raw_start + length]


def test_glued_paragraphs_are_split_but_not_abbreviations_or_numbers():
    body = ("Le gouvernement a tranché.Les syndicats protestent. M.Dupont et l'O.N.U. parlent de 3.5 %, "
            'selon lemonde.fr.La suite est "claire."Le débat continue.')
    spans = [body[s:e] for s, e in split_paragraphs(body)]
    assert spans == [
        "Le gouvernement a tranché.",
        "Les syndicats protestent. M.Dupont et l'O.N.U. parlent de 3.5 %, selon lemonde.fr.",
        'La suite est "claire."',
        "Le débat continue.",
    ]


def test_a_sentence_ending_on_an_acronym_is_split_but_not_an_abbreviation():
    body = "Le scrutin a été remporté par le DPS.Les coalitions de l'opposition contestent. M.Dupont et O.N.U.Les autres."
    assert [body[s:e] for s, e in split_paragraphs(body)] == [
        "Le scrutin a été remporté par le DPS.", "Les coalitions de l'opposition contestent. M.Dupont et O.N.U.Les autres."]


def test_words_glued_across_a_lost_break_are_split_but_names_with_inner_capitals_are_not():
    body = ("Le nombre de malades a fortement accruLa prime sera versée en juillet. Une vidéo de la ministre "
            "Elisabeth Borne. Le débat continue. LA FAUTE DE NICOLAS SARKOZYMarine Le Pen a parlé. "
            "Il a posté sur YouTube et WhatsApp depuis son iPhone, chez McDonald avec LeBron et Gaspar Noé, "
            "formé parCyril Lignac.")
    spans = [body[s:e] for s, e in split_paragraphs(body)]
    assert spans == [
        "Le nombre de malades a fortement accru",
        "La prime sera versée en juillet. Une vidéo de la ministre Elisabeth Borne. Le débat continue. "
        "LA FAUTE DE NICOLAS SARKOZY",
        "Marine Le Pen a parlé. Il a posté sur YouTube et WhatsApp depuis son iPhone, chez McDonald avec LeBron "
        "et Gaspar Noé, formé parCyril Lignac.",
    ]


def test_every_glue_split_on_sample_500_is_listed_and_the_judged_ones_still_happen():
    records = [json.loads(line) for line in shared("data/articles/orangesum/sample_500.jsonl").open(encoding="utf-8")]
    found = {(str(r["id"]), r["article"][max(0, cut - 60):cut].replace("\n", " ").replace("\t", " ")) for r in records for cut in glue_splits(r["article"])}
    judged = [line.split("\t") for line in (ROOT / "eval/glue_splits/judgements.tsv").read_text("utf-8").splitlines()[1:]]
    assert len(found) == GLUE_SPLITS_ON_SAMPLE_500
    assert len(judged) == 50 and all((record_id, before) in found for record_id, before, *_ in judged)
    assert sum(verdict == "right" for *_, verdict, _ in judged) >= 48


def test_other_field_names_are_mapped():
    article = parse({"headline": "Titre", "body": "Un texte assez long pour un article.", "when": "2021-03-04"},
                    mapping={"date": "when"})
    assert article.title == "Titre" and article.published_date.isoformat() == "2021-03-04"


def test_unknown_field_in_mapping_is_an_error():
    with pytest.raises(ValueError, match="unknown field"):
        field_names({"headline": "h"})


@pytest.mark.parametrize("line, message", [
    ('{"title": "x", "article": ', "not valid JSON"),
    ("[1, 2, 3]", "not an object"),
    ('{"title": "Sans texte"}', "no article text"),
])
def test_bad_records_raise_with_a_reason(line, message):
    with pytest.raises(BadRecord, match=message):
        parse(line)


def test_repeated_heading_and_stray_dash_are_dropped():
    article = parse({"title": "T", "heading": "Le chapô.", "article": "-Le chapô. Le corps commence ici."})
    assert [article.text[p.start:p.end] for p in article.paragraphs] == ["Le chapô.", "Le corps commence ici."]
