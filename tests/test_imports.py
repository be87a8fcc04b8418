"""Every module of the project imports on its own, no two modules import each other, even through others, and no
function of the orchestration or the warehouse is over 50 lines.

The import graph counts every import statement, inside functions too: a deferred import that closes a circle still
ties both modules to each other, and only waits for the first call to fail. An edge goes to the module named; the
package a submodule sits in is imported first by Python but is not an edge, since a package's `__init__` re-exporting
its submodules' names is no circle.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGES = ("corpus", "warehouse", "flows", "dashboard")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _project_modules() -> dict[str, Path]:
    """The project's modules by dotted name; a `__main__` runs its program when imported, so it is left out."""
    paths = [path for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))]
    return {_module_name(path): path for path in paths if path.name != "__main__.py"}


def _imported_modules(path: Path, module: str, modules: dict[str, Path]) -> set[str]:
    """The project modules the file's import statements name, relative imports resolved: `from a import b` names
    `a.b` if that is a module, else `a`."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            names.update(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names)
    return {name for name in names if name in modules and name != module}


def import_graph() -> dict[str, set[str]]:
    """Each project module and the project modules it imports."""
    modules = _project_modules()
    return {module: _imported_modules(path, module, modules) for module, path in modules.items()}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            successor = next(successors, None)
            if successor is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
            elif successor not in index:
                index[successor] = low[successor] = len(index)
                stack.append(successor)
                on_stack.add(successor)
                work.append((successor, iter(sorted(graph[successor]))))
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
    return found


def test_circles_are_found():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e2"}, "e2": set()}
    assert circles(graph) == [["a", "b", "c"]]


def test_no_module_imports_itself_through_others():
    assert circles(import_graph()) == []


IMPORT_EACH_ALONE = """
import importlib, json, sys, traceback
failures = {}
for module in json.loads(sys.argv[1]):
    for loaded in [name for name in sys.modules if name.split(".")[0] in PACKAGES]:
        del sys.modules[loaded]
    try:
        importlib.import_module(module)
    except Exception:
        failures[module] = traceback.format_exc(limit=-3)
print(json.dumps(failures))
"""


def test_every_module_imports_alone():
    """In a fresh interpreter, each module imported after the project's modules imported before it are forgotten
    (third-party ones stay loaded: importing spaCy and Prefect once per module would take minutes)."""
    modules = sorted(_project_modules())
    program = f"PACKAGES = {PACKAGES!r}\n{IMPORT_EACH_ALONE}"
    result = subprocess.run([sys.executable, "-c", program, json.dumps(modules)], cwd=ROOT, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {}


def _long_functions(path: Path, limit: int) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [f"{path.relative_to(ROOT)}:{node.lineno} {node.name}" for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno + 1 > limit]


@pytest.mark.parametrize("package", ["flows", "warehouse"])
def test_no_function_of_the_orchestration_or_the_warehouse_is_over_50_lines(package):
    assert [f for path in sorted((ROOT / package).rglob("*.py")) for f in _long_functions(path, 50)] == []
