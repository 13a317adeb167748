"""The package layout: layers a newcomer can see, and no import cycles.

Every ``import`` of a citetool module counts, the ones inside functions and
under ``TYPE_CHECKING`` too: a cycle hidden in a function is still a cycle in
the design, and it is what makes a module impossible to read on its own.
"""

from __future__ import annotations

import ast
from pathlib import Path

from .conftest import REPO

PACKAGE = REPO / "citetool"

#: The only modules at the top of the package; everything else lives in a layer.
TOP_LEVEL = {"__init__", "__main__", "config", "errors", "jsondata"}  # shared by every layer

#: Layer -> the layers it may import (besides errors and config, which everyone may).
LAYERS: dict[str, set[str]] = {
    "identifiers": set(),
    "net": set(),
    "bib": {"identifiers"},
    "library": {"bib", "identifiers"},
    "crossref": {"bib", "identifiers", "library", "net"},  # the record cache writes through library.storage
    "sources": {"bib", "identifiers", "library", "crossref", "net"},  # records become entries as Crossref's do
    "csl": {"bib", "identifiers"},
    "tex": {"bib", "library"},  # .aux, .bcf and .tex files are read and written through library.storage
    "writers": {"bib", "csl", "identifiers"},
    # Zotero's database read into the items Zotero's own CSL mapping makes of them (nothing of citetool's).
    "zotero": set(),
    "readers": {"bib", "crossref", "csl", "identifiers", "zotero"},  # CSL-JSON and RIS are read by inverting csl.items
    # Editorial notices are read out of Crossref and PubMed records and the Retraction Watch CSV, and kept
    # in the cache folder through library.storage.
    "notices": {"identifiers", "library", "sources"},
    "actions": {"bib", "library", "crossref", "sources", "csl", "tex", "writers", "readers", "identifiers", "notices"},
    # The language server answers an editor with what the commands do.
    "lsp": {"actions", "identifiers", "library", "tex"},
    "cli": {"actions", "bib", "library", "crossref", "sources", "csl", "tex", "writers", "readers", "identifiers",
            "notices", "lsp"},
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _exists(dotted: str) -> bool:
    base = REPO / dotted.replace(".", "/")
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def _imports(path: Path) -> set[str]:
    """Every citetool module that ``path`` imports, anywhere in its body, with their parent packages."""
    found: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            targets = [node.module]
            targets += [f"{node.module}.{alias.name}" for alias in node.names if _exists(f"{node.module}.{alias.name}")]
        for target in targets:
            if not target.startswith("citetool"):
                continue
            parts = target.split(".")
            found.update(".".join(parts[:cut]) for cut in range(2, len(parts) + 1) if _exists(".".join(parts[:cut])))
    return found


def _graph() -> dict[str, set[str]]:
    return {_module_name(path): _imports(path) for path in PACKAGE.rglob("*.py")}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph.get(node, ()):
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def test_there_are_no_import_cycles() -> None:
    assert _cycles(_graph()) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_top_of_the_package_holds_only_layers() -> None:
    loose = {path.stem for path in PACKAGE.glob("*.py")} - TOP_LEVEL
    assert loose == set()
    assert {path.name for path in PACKAGE.iterdir() if (path / "__init__.py").is_file()} == set(LAYERS)


def test_each_layer_imports_only_the_layers_below_it() -> None:
    wrong = []
    for module, imported in _graph().items():
        layer = module.split(".")[1] if module.count(".") else None
        if layer not in LAYERS:
            continue
        for target in imported:
            other = target.split(".")[1]
            if other != layer and other in LAYERS and other not in LAYERS[layer]:
                wrong.append(f"{module} imports {target}")
    assert wrong == []


def test_every_package_and_module_says_what_it_is() -> None:
    missing = [
        _module_name(path)
        for path in PACKAGE.rglob("*.py")
        if ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) in (None, "TODO")
    ]
    assert missing == []
