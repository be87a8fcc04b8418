"""Selectors and field names as data: which HTML elements hold a lede, which JSONL fields hold what."""

LEDE_CLASS = (
    r"(?:^|[\s_-])(?:chapo|chapeau|chapô|standfirst|lede|lead|leadin|intro|article-?intro|"
    r"article__desc|article__chapo|article__lead|article__intro|sous-titre|subtitle|summary|excerpt)(?:$|[\s_-])"
)
"""Class names (regex) of the element that carries an article's lede (chapô)."""

LEDE_MIN_CHARS, LEDE_MAX_CHARS = 40, 1200

JSONL_FIELDS = {
    "id": ("id", "doc_id", "uuid", "guid"),
    "title": ("title", "headline", "titre"),
    "lede": ("heading", "lede", "chapo", "chapeau", "standfirst", "description", "summary", "subtitle"),
    "text": ("article", "text", "body", "content", "texte", "contenu"),
    "date": ("date", "published", "published_date", "datePublished", "pubdate", "published_at", "date_publication"),
    "authors": ("authors", "author", "auteurs", "auteur", "byline"),
    "section": ("section", "category", "rubrique"),
    "url": ("url", "link", "lien"),
}
"""For each article field, the JSONL keys that hold it, tried in order (`--map FIELD=KEY` overrides)."""
