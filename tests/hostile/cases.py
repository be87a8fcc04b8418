"""The hostile-input cases: each is an input that `corpus ingest` must load correctly or reject with a reason.

Every case builds its input under a folder of its own (`build(folder)` returns the paths it made), and the test
ingests all the folders in one run. The rows of a case are those whose `source_uri` lies in its folder. A JSONL file
is one input per line, so a case of mixed lines is `loaded` with a `reason` for the lines it rejects.

Inputs are this project's own French texts (and the small fixtures in `files/`, also written for it); big or binary
ones are generated at test time. Each text is distinct: the warehouse skips content it already holds, whatever the path.
"""

from __future__ import annotations

import codecs
import gzip
import os
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

FILES = Path(__file__).resolve().parent / "files"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


@dataclass(frozen=True)
class Outcome:
    """What a run left in the warehouse for one case: its documents and its rejections, as dicts of columns. A
    document also has `mentions`, its entity mentions as (part, start, end, text, the string they index)."""

    documents: tuple[dict, ...]
    rejected: tuple[dict, ...]


@dataclass(frozen=True)
class Case:
    name: str
    description: str
    build: Callable[[Path], list[Path]]
    expect: str
    """`loaded` or `rejected`."""
    reason: str | None = None
    """The reason code of its rejections: all of them for `rejected`, its bad lines for a `loaded` JSONL."""
    check: Callable[[Outcome], None] | None = None
    named: bool = False
    """Its paths are also given on the command line, besides the tree that holds them."""
    when_readable: str | None = None
    """The outcome when the test can read the input despite mode 000 (root can): then it is loaded."""


def french(topic: str) -> str:
    """A short French article of this project's, about `topic`: a different topic makes different content."""
    return (f"Le conseil régional a présenté mardi à Lyon un plan consacré à {topic}. Les élus de l'opposition ont "
            "critiqué un projet qu'ils jugent trop coûteux, tandis que la présidente a défendu des mesures attendues "
            f"depuis longtemps.\n\nLes premières décisions sur {topic} seront prises à l'automne, après une "
            "consultation des habitants de la région.\n")


def _write(path: Path, data: bytes | str) -> list[Path]:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return [path]


def _copy(name: str) -> Callable[[Path], list[Path]]:
    return lambda folder: [Path(shutil.copy(FILES / name, folder / name))]


def _file(name: str, data: bytes | str) -> Callable[[Path], list[Path]]:
    return lambda folder: _write(folder / name, data)


# -- builds that need more than one file, or the file system ---------------------------------------------------

def _zip(folder: Path) -> list[Path]:
    path = folder / "archive.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("article.txt", french("une archive compressée"))
    return [path]


def _huge_text(folder: Path) -> list[Path]:
    path = folder / "enorme.txt"
    paragraph = french("un fichier de cinquante mégaoctets").encode("utf-8")
    with path.open("wb") as stream:
        for _ in range(50_000_000 // len(paragraph) + 1):
            stream.write(paragraph)
    return [path]


def _jsonl_huge_line(folder: Path) -> list[Path]:
    small = '{"title": "Vannes : le port s\'agrandit", "article": "%s"}\n'
    huge = '{"title": "Une ligne démesurée", "article": "%s"}\n' % ("Un mot de trop. " * 400_000)
    text = (small % french("le port de Vannes").replace("\n", " ")) + huge + \
        (small % french("la criée de Lorient").replace("\n", " "))
    return _write(folder / "ligne-enorme.jsonl", text)


def _symlink_loop(folder: Path) -> list[Path]:
    os.symlink(folder / "boucle-b.md", folder / "boucle-a.md")
    os.symlink(folder / "boucle-a.md", folder / "boucle-b.md")
    return [folder / "boucle-a.md", folder / "boucle-b.md"]


def _directory_loop(folder: Path) -> list[Path]:
    paths = _write(folder / "article.md", "## La boucle de dossiers\n\n" + french("les liens vers un dossier parent"))
    os.symlink(folder, folder / "encore")
    return paths + [folder / "encore"]


def _dangling(folder: Path) -> list[Path]:
    os.symlink(folder / "disparu.md", folder / "lien-mort.md")
    return [folder / "lien-mort.md"]


def _unreadable_file(folder: Path) -> list[Path]:
    paths = _write(folder / "interdit.txt", "Un fichier illisible\n\n" + french("les droits des fichiers"))
    paths[0].chmod(0)
    return paths


def _unreadable_folder(folder: Path) -> list[Path]:
    inner = folder / "verrouille"
    _write(inner / "article.txt", "Un dossier fermé\n\n" + french("les dossiers verrouillés"))
    inner.chmod(0)
    return [inner]


def _fifo(folder: Path) -> list[Path]:
    os.mkfifo(folder / "tube.txt")
    return [folder / "tube.txt"]


def _device(folder: Path) -> list[Path]:
    os.symlink("/dev/zero", folder / "zeros.txt")
    return [folder / "zeros.txt"]


def _non_utf8_name(folder: Path) -> list[Path]:
    name = os.fsdecode(os.fsencode(folder) + b"/article-\xe9t\xe9.txt")  # Latin-1 bytes, not UTF-8
    return _write(Path(name), "Un nom de fichier en Latin-1\n\n" + french("les noms de fichiers anciens"))


def _directory_named_like_a_file(folder: Path) -> list[Path]:
    _write(folder / "article.html" / "vrai-article.md", "## Un dossier au nom de page\n\n" + french("les dossiers"))
    return [folder / "article.html"]


def _empty_directory(folder: Path) -> list[Path]:
    (folder / "vide").mkdir()
    return [folder / "vide"]


def _same_file_twice(folder: Path) -> list[Path]:
    paths = _write(folder / "original.md", "## Le même fichier deux fois\n\n" + french("les doublons"))
    os.symlink(paths[0], folder / "lien-vers-original.md")
    return paths


def _duplicate_content(folder: Path) -> list[Path]:
    text = "## Deux copies\n\n" + french("les copies d'un même texte")
    return _write(folder / "copie-1.md", text) + _write(folder / "copie-2.md", text)


def _gzip_truncated(folder: Path) -> list[Path]:
    line = '{"title": "Dépêche %d", "article": "%s"}\n'
    data = gzip.compress("".join(line % (n, french(f"la dépêche {n}").replace("\n", " ")) for n in range(200)).encode())
    return _write(folder / "depeches.jsonl.gz", data[: len(data) // 2])


def _gzip_corrupt(folder: Path) -> list[Path]:
    page = "<html><body><article><p>%s</p></article></body></html>" % french("une page compressée abîmée")
    data = bytearray(gzip.compress(page.encode() * 20))
    data[20:60] = b"\xff" * 40
    return _write(folder / "page.html.gz", bytes(data))


def _gzip_bomb(folder: Path) -> list[Path]:
    return _write(folder / "bombe.txt.gz", gzip.compress(french("une bombe de décompression").encode() * 200_000))


def _gzip_jsonl(folder: Path) -> list[Path]:
    line = '{"title": "Quimper : %s", "article": "%s"}\r\n'
    text = codecs.BOM_UTF8.decode() + "".join(line % (t, french(t).replace("\n", " ")) for t in ("la cathédrale", "le festival"))
    return _write(folder / "quimper.jsonl.gz", gzip.compress(text.encode()))


def _deep_html(folder: Path) -> list[Path]:
    page = ("<html><head><title>Une page très imbriquée</title></head><body>" + "<div>" * 5000 +
            "<p>%s</p>" % french("les pages imbriquées").replace("\n\n", "</p><p>") + "</div>" * 5000 + "</body></html>")
    return _write(folder / "imbrique.html", page)


def _minified_html(folder: Path) -> list[Path]:
    script = "var SCRIPTLEAK_MINIFIED=[" + ",".join(str(n) for n in range(200_000)) + "];"
    page = ("<!DOCTYPE html><html><head><title>Une page minifiée</title><script>%s</script></head><body><article>"
            "<p>%s</p></article></body></html>") % (script, french("les pages minifiées").replace("\n\n", "</p><p>"))
    return _write(folder / "minifiee.html", page)


# -- checks ------------------------------------------------------------------------------------------------------

def _one(outcome: Outcome) -> dict:
    assert len(outcome.documents) == 1, [d["source_uri"] for d in outcome.documents]
    return outcome.documents[0]


def _encoded(encoding: str, *words: str) -> Callable[[Outcome], None]:
    def check(outcome: Outcome) -> None:
        doc = _one(outcome)
        assert doc["encoding"] == encoding, doc["encoding"]
        assert all(word in doc["text"] for word in words), doc["text"][:300]
        assert "\ufffd" not in doc["text"]
    return check


def _invalid_utf8(outcome: Outcome) -> None:
    """The valid UTF-8 stays UTF-8; the stray bytes are read as Windows-1252 ("\\xc3\\x28" is "Ã(")."""
    doc = _one(outcome)
    assert doc["encoding"] == "utf-8+cp1252" and "présenté" in doc["text"] and "mardi Ã(" in doc["text"], doc["text"]


def _utf16_html(outcome: Outcome) -> None:
    _encoded("utf-16", "les pages en UTF-16")(outcome)
    doc = _one(outcome)
    assert doc["format"] == "html" and "<p>" not in doc["text"] and doc["title"] == "Page en UTF-16"


def _utf8_bom(outcome: Outcome) -> None:
    _encoded("utf-8-sig", "les marques d'ordre")(outcome)
    doc = _one(outcome)
    assert doc["title"] == "Un titre après le BOM" and doc["format"] == "markdown"


def _no_script(outcome: Outcome) -> None:
    doc = _one(outcome)
    shown = " ".join(filter(None, [doc["text"], doc["title"], doc["lede"], doc["site_name"], doc["section"]]))
    assert "SCRIPTLEAK" not in shown and "document.write" not in shown, shown
    assert "budget en hausse" in doc["text"] and "Maurepas" in doc["text"]
    assert doc["title"] == "Rennes : le budget des écoles voté en conseil municipal"


def _language(code: str) -> Callable[[Outcome], None]:
    def check(outcome: Outcome) -> None:
        doc = _one(outcome)
        assert doc["language"] == code and doc["mentions"] == [], (doc["language"], doc["mentions"])
    return check


def _french_with_mentions(*kept: str) -> Callable[[Outcome], None]:
    """A French document whose text keeps `kept`, annotated (some mentions), every mention in place."""
    def check(outcome: Outcome) -> None:
        doc = _one(outcome)
        assert doc["language"] == "fr" and all(k in doc["text"] for k in kept), doc["text"][:300]
        assert doc["mentions"], "no entity mention"
        assert all(string[start:end] == text for _, start, end, text, string in doc["mentions"])
    return check


def _lines(loaded: list[int], rejected: list[int]) -> Callable[[Outcome], None]:
    def check(outcome: Outcome) -> None:
        def numbers(rows):
            return sorted(int(r["source_uri"].rsplit("#", 1)[1]) for r in rows)
        assert numbers(outcome.documents) == loaded and numbers(outcome.rejected) == rejected
        assert all(d["format"] == "jsonl" for d in outcome.documents)
    return check


def _uri_has(fragment: str) -> Callable[[Outcome], None]:
    def check(outcome: Outcome) -> None:
        assert fragment in _one(outcome)["source_uri"], _one(outcome)["source_uri"]
    return check


def _detail_has(fragment: str) -> Callable[[Outcome], None]:
    def check(outcome: Outcome) -> None:
        assert outcome.rejected and all(fragment in r["detail"] for r in outcome.rejected), outcome.rejected
    return check


def _front_matter_title(outcome: Outcome) -> None:
    doc = _one(outcome)
    assert doc["title"] == "Brest : la rade accueille les grands voiliers", doc["title"]
    assert "layout" not in doc["text"] and doc["text"].startswith("Les grands voiliers")


def _emoji(outcome: Outcome) -> None:
    _french_with_mentions("🎸", "👨‍👩‍👧‍👦", "👍🏽", "🇫🇷")(outcome)
    assert _one(outcome)["title"] == "Fête de la musique 🎉 : les rues de Nantes en chansons 🎶"


def _deep(outcome: Outcome) -> None:
    doc = _one(outcome)
    assert "les pages imbriquées" in doc["text"] and "<div>" not in doc["text"]


def _minified(outcome: Outcome) -> None:
    doc = _one(outcome)
    assert "les pages minifiées" in doc["text"] and "SCRIPTLEAK" not in doc["text"] and len(doc["text"]) < 2000


def _nul_stripped(outcome: Outcome) -> None:
    doc = _one(outcome)
    assert "\x00" not in doc["text"] and "les octets nuls tardifs" in doc["text"]


def _old_mac(outcome: Outcome) -> None:
    doc = _one(outcome)
    assert "\r" not in doc["text"] and doc["text"].count("\n\n") == 1 and doc["title"] == "Des fins de ligne anciennes"


def _surrogate(outcome: Outcome) -> None:
    doc = _one(outcome)
    assert doc["title"] == "Saint-Malo \ufffd les remparts", doc["title"]


def _once(outcome: Outcome) -> None:
    _one(outcome)


CASES: list[Case] = [
    Case("empty", "an empty file", _file("vide.txt", b""), "rejected", "empty"),
    Case("whitespace", "spaces, tabs and blank lines only", _file("blanc.md", " \t\n\r\n  \n\t"), "rejected", "empty"),
    Case("bom-only", "a file that is only a UTF-8 BOM", _file("bom.txt", codecs.BOM_UTF8), "rejected", "empty"),
    Case("utf16-bom-only", "a file that is only a UTF-16 BOM", _file("bom16.txt", codecs.BOM_UTF16_LE), "rejected",
         "empty"),
    Case("huge-text", "a 50 MB plain text", _huge_text, "rejected", "too-large"),
    Case("png", "PNG bytes named .txt", _file("photo.txt", PNG + bytes(range(256)) * 8), "rejected", "binary"),
    Case("zip", "a ZIP archive holding an article", _zip, "rejected", "binary"),
    Case("nul-bytes", "text with NUL bytes in its first kilobytes",
         _file("nuls.txt", french("les octets nuls").encode().replace(b" ", b" \x00", 3)), "rejected", "binary"),
    Case("nul-bytes-late", "text with NUL bytes past the first 8 KB (the binary sniff reads 8 KB)",
         _file("nuls-tardifs.txt", (french("les octets nuls tardifs") * 40).encode() + b"\x00\x00fin\n"), "loaded",
         check=_nul_stripped),
    Case("invalid-utf8", "UTF-8 with invalid sequences (\\xc3\\x28, a lone \\xa0)",
         _file("invalide.txt", "Des octets invalides\n\n".encode() + french("les octets invalides").encode()
               .replace(b"mardi", b"mardi \xc3\x28").replace(b"automne", b"automne \xa0")), "loaded",
         check=_invalid_utf8),
    Case("mixed-encodings", "UTF-8 paragraphs then a Windows-1252 one",
         _file("melange.txt", ("Deux encodages\n\n" + french("les encodages mêlés")).encode() +
               "\nUn dernier paragraphe écrit sous Windows, l’été dernier, avec des œufs.\n".encode("cp1252")),
         "loaded", check=_encoded("utf-8+cp1252", "les encodages mêlés", "l’été dernier", "œufs")),
    Case("cp1252", "French in Windows-1252 (é, œ, ’ as 0x92)",
         _file("windows.txt", ("Un texte Windows\n\n" + french("l’œuvre des écoles") + "C’est l’été.\n").encode("cp1252")),
         "loaded", check=_encoded("cp1252", "l’œuvre des écoles", "présenté", "C’est l’été")),
    Case("utf16-html", "an HTML page in UTF-16 with a BOM",
         _file("page16.html", ("<html><head><title>Page en UTF-16</title></head><body><article><p>%s</p></article>"
                               "</body></html>" % french("les pages en UTF-16")).encode("utf-16")),
         "loaded", check=_utf16_html),
    Case("utf16-jsonl", "a JSONL file in UTF-16 (JSON Lines must be UTF-8)",
         _file("dump16.jsonl", ('{"title": "Seize bits", "article": "%s"}\n' % french("seize bits").replace("\n", " "))
               .encode("utf-16")), "rejected", "encoding"),
    Case("utf8-bom", "Markdown in UTF-8 with a BOM",
         _file("bom.md", codecs.BOM_UTF8 + ("## Un titre après le BOM\n\n" + french("les marques d'ordre")).encode()),
         "loaded", check=_utf8_bom),
    Case("old-mac-newlines", "text with CR-only line endings",
         _file("mac.txt", ("Des fins de ligne anciennes\r\r" + french("les retours chariot")).replace("\n", "\r")),
         "loaded", check=_old_mac),
    Case("html-scripts", "HTML with scripts in head and body, JSON-LD, style, noscript, template and SVG script",
         _copy("scripts.html"), "loaded", check=_no_script),
    Case("deep-html", "an article inside 5,000 nested divs (libxml2 reads 255 levels)", _deep_html, "loaded",
         check=_deep),
    Case("minified-html", "a 1.3 MB one-line page, mostly an inline script", _minified_html, "loaded",
         check=_minified),
    Case("html-no-body", "HTML with a head and no body", _copy("no-body.html"), "rejected", "no-article"),
    Case("html-frameset", "a frameset page", _copy("frameset.html"), "rejected", "no-article"),
    Case("html-redirect", "a page that only redirects (meta refresh and script)", _copy("redirect.html"), "rejected",
         "no-article"),
    Case("english", "an English article", _copy("english.txt"), "loaded", check=_language("en")),
    Case("german", "a German HTML article", _copy("german.html"), "loaded", check=_language("de")),
    Case("emoji", "French Markdown with emoji, ZWJ sequences, skin tones and flags", _copy("emoji.md"), "loaded",
         check=_emoji),
    Case("rtl", "French with Arabic and Hebrew quotes and RLM marks", _copy("rtl.txt"), "loaded",
         check=_french_with_mentions("مرحبا بكم في مرسيليا", "שלום לכולם", "\u200fעברית\u200f")),
    Case("long-line", "a 1 MB line without a newline (over spaCy's 1,000,000 characters)",
         _file("ligne.txt", (french("une ligne sans fin").replace("\n", " ") * 3000)[:1_050_000]), "rejected",
         "too-large"),
    Case("unclosed-brackets", "Markdown with 36 kB of unclosed `[`, `![`, `[12](` and `<https://` (20 s of regex "
         "backtracking before the fix, then a URL that urlsplit refuses)",
         _file("crochets.md", "## Des crochets\n\n" + french("les crochets") + "[12]([![<https://x" * 2_000 + "\n"),
         "loaded", check=_french_with_mentions("les crochets", "[12]([![<https://x")),
    Case("jsonl-huge-line", "JSONL whose second line is 6.4 MB (the record limit is 5 MB)", _jsonl_huge_line, "loaded",
         "too-large", check=_lines([1, 3], [2])),
    Case("jsonl-not-objects", "JSONL lines that are a list, a number, a string and null", _copy("not-objects.jsonl"),
         "loaded", "bad-record", check=_lines([1, 6], [2, 3, 4, 5])),
    Case("jsonl-invalid-lines", "JSONL with truncated, trailing-garbage and concatenated lines among valid ones",
         _copy("invalid-lines.jsonl"), "loaded", "bad-record", check=_lines([1, 4], [2, 3, 5])),
    Case("jsonl-no-text", "a JSONL object with no text field", _copy("no-text-field.jsonl"), "rejected", "bad-record"),
    Case("jsonl-deep-nesting", "a JSONL object nesting 100,000 arrays (Python's JSON decoder recurses)",
         _file("profond.jsonl", '{"article": ' + "[" * 100_000 + "]" * 100_000 + "}\n"), "rejected", "bad-record",
         check=_detail_has("too deep")),
    Case("jsonl-lone-surrogate", "a JSONL title with a lone \\ud800 escape (not storable as UTF-8)",
         _file("surrogat.jsonl", '{"title": "Saint-Malo \\ud800 les remparts", "article": "%s"}\n'
               % french("les remparts").replace("\n", " ")), "loaded", check=_surrogate),
    Case("json-array", "a JSON file holding an array of articles", _copy("array.json"), "rejected",
         "unsupported-format"),
    Case("front-matter-only", "Markdown that is only YAML front matter", _copy("front-matter-only.md"), "rejected",
         "no-article"),
    Case("front-matter-body", "Markdown with YAML front matter, then the text", _copy("front-matter-body.md"),
         "loaded", check=_front_matter_title),
    Case("title-only", "Markdown that is only a title", _copy("title-only.md"), "rejected", "no-article"),
    Case("symlink-loop", "two symbolic links pointing at each other", _symlink_loop, "rejected", "unreadable",
         check=_detail_has("loop")),
    Case("directory-loop", "a folder holding a link to itself, and an article", _directory_loop, "loaded",
         check=_once),
    Case("dangling-symlink", "a symbolic link to a missing file", _dangling, "rejected", "unreadable",
         check=_detail_has("does not exist")),
    Case("unreadable-file", "a file with mode 000", _unreadable_file, "rejected", "unreadable",
         when_readable="loaded"),
    Case("unreadable-folder", "a folder with mode 000 holding an article", _unreadable_folder, "rejected",
         "unreadable", when_readable="loaded"),
    Case("fifo", "a named pipe (reading it would block)", _fifo, "rejected", "unreadable"),
    Case("device", "a link to /dev/zero (reading it never ends)", _device, "rejected", "unreadable"),
    Case("spaces-in-path", "a path with spaces",
         lambda folder: _write(folder / "un dossier" / "mon article.txt", "Un chemin à espaces\n\n" + french("les espaces")),
         "loaded", check=_uri_has("un dossier/mon article.txt")),
    Case("unicode-path", "a path with accents and emoji",
         lambda folder: _write(folder / "été 🌞" / "dépêche-🚀.md", "## Un chemin accentué\n\n" + french("les accents")),
         "loaded", check=_uri_has("été 🌞/dépêche-🚀.md")),
    Case("non-utf8-name", "a file name in Latin-1 bytes, not UTF-8", _non_utf8_name, "loaded",
         check=_uri_has("article-\\xe9t\\xe9.txt")),
    Case("newline-name", "a file name holding a newline",
         _file("nouvelle\nligne.txt", "Un nom sur deux lignes\n\n" + french("les noms à saut de ligne")), "loaded",
         check=_uri_has("nouvelle\nligne.txt")),
    Case("directory-as-file", "a folder named article.html, also named on the command line",
         _directory_named_like_a_file, "loaded", check=_uri_has("article.html/vrai-article.md"), named=True),
    Case("empty-directory", "an empty folder named on the command line", _empty_directory, "rejected", "not-found",
         named=True),
    Case("same-file-twice", "a file named on the command line, walked in its folder and linked there", _same_file_twice,
         "loaded", check=_once, named=True),
    Case("duplicate-content", "two files with the same bytes", _duplicate_content, "loaded", check=_once),
    Case("duplicate-rejected", "two empty files: the copy of a rejected input is rejected too",
         lambda folder: _write(folder / "vide-1.txt", b"") + _write(folder / "vide-2.txt", b""), "rejected", "empty"),
    Case("gzip-truncated", "a gzipped JSONL cut in the middle", _gzip_truncated, "rejected", "corrupt"),
    Case("gzip-corrupt", "a gzipped HTML page with damaged bytes", _gzip_corrupt, "rejected", "corrupt"),
    Case("gzip-bomb", "a 50 kB gzip that inflates to 60 MB", _gzip_bomb, "rejected", "too-large"),
    Case("gzip-jsonl", "gzipped JSONL with a BOM and CRLF line ends", _gzip_jsonl, "loaded", check=_lines([1, 2], [])),
]
