"""The shape of the code: no import cycles in harness and suites, and the harness never imports a suite."""

from __future__ import annotations

import ast
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("harness", "suites")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO_ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, name: str, known: set[str]) -> set[str]:
    """Every module of ours that `path` imports, at the top or inside a function."""
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            # `from harness import suite_index` imports a module; `from harness.models import Check` a name.
            candidates = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for candidate in candidates:
            if candidate in known:
                found.add(candidate)
                break
    return found - {name}


def import_graph() -> dict[str, set[str]]:
    """Module → the modules of ours it imports."""
    paths = {_module_name(path): path for package in PACKAGES for path in (REPO_ROOT / package).rglob("*.py")}
    known = set(paths)
    return {name: _imports(path, name, known) for name, path in paths.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a list of modules (the first repeated at the end), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for child in sorted(graph.get(node, ())):
            if state.get(child) == 1:
                return [*stack[stack.index(child) :], child]
            if child not in state and (cycle := visit(child)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycles_in_harness_or_suites() -> None:
    graph = import_graph()
    assert len(graph) > 50, "the graph should cover every module"
    assert find_cycle(graph) is None


def test_the_harness_never_imports_a_suite() -> None:
    offending = {
        module: sorted(target for target in targets if target.split(".")[0] == "suites")
        for module, targets in import_graph().items()
        if module.split(".")[0] == "harness"
    }
    assert {module: targets for module, targets in offending.items() if targets} == {}


def test_no_suite_imports_another_suite() -> None:
    """Suites are plug-ins: what two of them share belongs in harness/, so either can be left out."""
    crossing = {
        module: sorted(target for target in targets if target.startswith("suites.") and target.split(".")[1] != home)
        for module, targets in import_graph().items()
        if module.startswith("suites.") and (home := module.split(".")[1])
    }
    assert {module: targets for module, targets in crossing.items() if targets} == {}
