"""The `.sql` files shipped in the warehouse's folders (`views/`, `macros/`, `refresh/`, `fts/`), read as the
package holds them."""

from __future__ import annotations

import functools
from importlib import resources


def sql_files(package: str) -> list[tuple[str, str]]:
    """(name without `.sql`, text) for every `.sql` file of `package`, by name."""
    return sorted((entry.name.removesuffix(".sql"), entry.read_text("utf-8"))
                  for entry in resources.files(package).iterdir() if entry.name.endswith(".sql"))


@functools.cache
def sql_text(package: str, name: str) -> str:
    """The text of `package`'s file `name`.sql, read once a process (a batch's load runs the refresh files)."""
    return resources.files(package).joinpath(f"{name}.sql").read_text("utf-8")
