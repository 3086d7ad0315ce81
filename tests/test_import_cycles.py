"""No module of ours imports, even lazily inside a function, a module that imports it back."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
PACKAGES = ("kiosk", "printing", "ui", "web")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking(node: ast.AST) -> bool:
    test = node.test if isinstance(node, ast.If) else None
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _executed(tree: ast.AST) -> list[ast.AST]:
    """Every node that can run: imports made only for the type checker never do."""
    nodes: list[ast.AST] = []
    pending = [tree]
    while pending:
        node = pending.pop()
        nodes.append(node)
        if _type_checking(node) and isinstance(node, ast.If):
            pending.extend(node.orelse)
            continue
        pending.extend(ast.iter_child_nodes(node))
    return nodes


def imports_of(path: Path, known: set[str]) -> set[str]:
    """Our modules that ``path`` imports anywhere it runs (top level, functions, branches)."""
    found: set[str] = set()
    for node in _executed(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            # ``from ui import announcer`` imports the module ui.announcer.
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        else:
            continue
        found.update(name for name in names if name in known)
    return found


def import_graph(package: str) -> dict[str, set[str]]:
    files = {
        module_name(p): p for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts
    }
    return {name: imports_of(path, set(files)) - {name} for name, path in files.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each import cycle once, as the path that closes it (depth-first search)."""
    found: list[list[str]] = []
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> None:
        for target in sorted(graph[name]):
            if target in path:
                found.append([*path[path.index(target) :], target])
            elif target not in done:
                visit(target, [*path, target])
        done.add(name)

    for name in sorted(graph):
        if name not in done:
            visit(name, [name])
    return found


def test_imports_for_the_type_checker_alone_make_no_cycle(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        "from typing import TYPE_CHECKING\nimport ui.b\nif TYPE_CHECKING:\n    import ui.c\n",
        encoding="utf-8",
    )
    assert imports_of(module, {"ui.b", "ui.c"}) == {"ui.b"}


def test_the_cycle_check_finds_a_circle() -> None:
    graph = {"ui.a": {"ui.b"}, "ui.b": {"ui.c"}, "ui.c": {"ui.a"}, "ui.d": {"ui.a"}}
    assert cycles(graph) == [["ui.a", "ui.b", "ui.c", "ui.a"]]


@pytest.mark.parametrize("package", PACKAGES)
def test_no_import_cycle_in(package: str) -> None:
    assert cycles(import_graph(package)) == []
