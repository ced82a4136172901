"""Fail if any files of src/ import each other in a circle.

python scripts/check_import_cycles.py        # prints each cycle; exit 1 if there is one

Every import statement counts, those inside functions and under TYPE_CHECKING too: a
circle hidden in a function is still a circle a reader has to untangle. An edge goes
from a file to the file its import names (a package's ``__init__.py`` when it names a
package, the submodule when ``from package import name`` names one); a package's
``__init__`` running before its submodules is Python's mechanics, not an edge.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"


def module_files(src: Path) -> dict[str, Path]:
    """Dotted module name → file, for every .py file under ``src``."""
    modules: dict[str, Path] = {}
    for path in sorted(src.rglob("*.py")):
        parts = list(path.relative_to(src).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _imported(tree: ast.AST, module: str, is_package: bool) -> Iterator[str]:
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            yield base
            for alias in node.names:
                yield f"{base}.{alias.name}"


def import_graph(src: Path = SRC) -> dict[str, set[str]]:
    modules = module_files(src)
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        targets = _imported(tree, name, path.name == "__init__.py")
        # 'from pkg import sub' names both pkg and pkg.sub: keep the most specific file.
        found = {t for t in targets if t in modules and t != name}
        graph[name] = {t for t in found if not any(o.startswith(t + ".") for o in found)}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one file (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def main() -> int:
    graph = import_graph()
    circles = cycles(graph)
    edges = sum(len(targets) for targets in graph.values())
    for circle in circles:
        print("import cycle: " + " <-> ".join(circle))
    print(f"{len(graph)} files, {edges} imports between them, {len(circles)} cycles")
    return 1 if circles else 0


if __name__ == "__main__":
    sys.exit(main())
