"""No import circles in the service or the domain (DESIGN §2).

Every import counts, at the top of a module or inside a function, so a circle cannot hide behind
a lazy import; only ``if TYPE_CHECKING:`` blocks are left out, since they never run.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("backend", "signing_flow", "miniapp_mock", "schedulers")
CHECKED = ("backend", "signing_flow")


def module_files() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    if isinstance(node, ast.Import | ast.ImportFrom):
        yield node
    elif isinstance(node, ast.If) and _is_type_checking(node):
        for statement in node.orelse:
            yield from _imports(statement)
    else:
        for child in ast.iter_child_nodes(node):
            yield from _imports(child)


def imported_modules(name: str, path: Path, known: set[str]) -> set[str]:
    """The project's modules that ``name`` imports."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in _imports(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # ``from pkg import mod`` imports the module ``pkg.mod``; ``from mod import name``
            # imports ``mod``
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                for alias in node.names
            ]
        out.update(t for t in targets if t in known and t != name)
    return out


def import_graph() -> dict[str, set[str]]:
    files = module_files()
    known = set(files)
    return {name: imported_modules(name, path, known) for name, path in files.items()}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_graph_sees_the_imports() -> None:
    graph = import_graph()
    assert "signing_flow.models" in graph["signing_flow.contract_rules"]
    assert "backend.contracts.handlers" in graph["backend.routes"]


def test_a_circle_is_found() -> None:
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_circles_in_the_service_or_the_domain() -> None:
    found = [c for c in circles(import_graph()) if any(m.startswith(CHECKED) for m in c)]
    assert found == []


def test_lazy_imports_count_and_type_checking_imports_do_not(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    import a\n"
        "def f():\n    from b import thing\n"
    )
    assert imported_modules("m", source, {"a", "b"}) == {"b"}


# DESIGN §2: dependencies point inward. The domain knows no outer package; the jobs know the
# ports, never the adapters (the callers hand them ``backend.storage.sweeps.StoreSweeps``).
INWARD = {
    "signing_flow": ("backend", "miniapp_mock", "schedulers"),
    "schedulers": ("backend", "miniapp_mock"),
}


def _in_package(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_dependencies_point_inward() -> None:
    outward = sorted(
        (name, target)
        for name, targets in import_graph().items()
        for inner, outer in INWARD.items()
        if _in_package(name, inner)
        for target in targets
        if any(_in_package(target, o) for o in outer)
    )
    assert outward == []
