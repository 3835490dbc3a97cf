"""The layout rules of DESIGN §3, read from the source with `ast` (issue 16):

- the shell (`linli.web`) frames the apps, so no app imports it: only `linli/web/*` and the URL
  conf may;
- no two modules of `linli/` import each other, directly or round a circle, at module level
  (a function-level import that breaks a circle on purpose is named in ALLOWED_CYCLES);
- no module outside migrations is over MAX_LINES lines."""

import ast
from pathlib import Path

import pytest

LINLI = Path(__file__).resolve().parents[2] / "linli"
MAX_LINES = 600
SHELL_IMPORTERS = {"linli.urls"}
# Circles kept on purpose, as sets of module names. None today: the registry's import job is
# enqueued by a function-level import, which this walk does not follow.
ALLOWED_CYCLES: list[set[str]] = []


def module_name(path: Path) -> str:
    parts = path.relative_to(LINLI.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def source_files() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(LINLI.rglob("*.py")) if "migrations" not in p.parts}


MODULES = source_files()


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imported_modules(nodes, module: str, is_package: bool) -> set[str]:
    """The linli modules the import statements among `nodes` load: `from p import n` loads the
    module p.n when there is one, else p."""
    found = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            target = _absolute(node, module, is_package)
            for alias in node.names:
                found.add(f"{target}.{alias.name}" if f"{target}.{alias.name}" in MODULES else target)
    return {name for name in found if name == "linli" or name.startswith("linli.")}


def _module_level(tree: ast.Module):
    """Import statements run when the module is imported: top level, and inside top-level
    if/try blocks — not inside functions or classes."""
    pending = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, (ast.If, ast.Try)):
            pending += node.body + node.orelse + getattr(node, "finalbody", [])
            pending += [n for handler in getattr(node, "handlers", []) for n in handler.body]


def _parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def import_graph() -> dict[str, set[str]]:
    graph = {}
    for name, path in MODULES.items():
        targets = imported_modules(_module_level(_parsed(path)), name, path.name == "__init__.py")
        graph[name] = {t for t in targets if t in MODULES and t != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected components of more than one module (Tarjan, iteratively)."""
    index, low, on_stack, stack, found, counter = {}, {}, set(), [], [], [0]
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(component)
    return found


def test_cycle_finder_finds_a_circle_and_only_circles():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles(graph) == [{"a", "b", "c"}]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_relative_imports_resolve_to_modules():
    tree = ast.parse("from . import selectors\nfrom .models import Bill\nfrom ..core import money\n")
    found = imported_modules(tree.body, "linli.billing.views", is_package=False)
    assert found == {"linli.billing.selectors", "linli.billing.models", "linli.core.money"}


def test_no_app_imports_the_shell():
    offenders = []
    for name, path in MODULES.items():
        if name == "linli.web" or name.startswith("linli.web.") or name in SHELL_IMPORTERS:
            continue
        tree = _parsed(path)
        nodes = [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]
        shell = {m for m in imported_modules(nodes, name, path.name == "__init__.py")
                 if m == "linli.web" or m.startswith("linli.web.")}
        offenders += [f"{name} imports {m}" for m in sorted(shell)]
    assert not offenders, "\n".join(offenders)


def test_no_import_cycles_at_module_level():
    found = [sorted(c) for c in cycles(import_graph()) if c not in ALLOWED_CYCLES]
    assert not found, "\n".join(" ↔ ".join(c) for c in found)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_module_is_not_oversized(name):
    lines = MODULES[name].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{MODULES[name].relative_to(LINLI.parent)} has {lines} lines (at most {MAX_LINES})"
