"""No module of ``sync`` or ``desktop`` imports another that imports it back.

The graph is grimp's (the library import-linter builds on): every ``import`` statement,
including those inside functions and under ``TYPE_CHECKING``, so a deferred import cannot
hide a cycle. One edge is added that grimp leaves implicit: importing ``a.b.c`` from
outside ``a.b`` runs ``a/__init__.py`` and ``a/b/__init__.py`` first, so a package file
that imports its own modules is part of every path into the package (that is how
``sync/automation/__init__.py`` once closed the ticket write path into a circle).

A failure prints each cycle as a chain of modules, with one line per import, so the
place to cut it is visible.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping

import grimp

ROOTS = ("sync", "desktop")


def _ancestors(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def import_edges(graph: grimp.ImportGraph) -> dict[str, set[str]]:
    """Module -> modules it imports (directly or by entering their packages)."""
    edges: dict[str, set[str]] = {module: set() for module in graph.modules}
    for module in graph.modules:
        own_packages = set(_ancestors(module))
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in edges:
                continue  # outside sync/desktop
            targets = [imported, *(p for p in _ancestors(imported) if p in edges and p not in own_packages)]
            edges[module].update(t for t in targets if t != module)
    return edges


def find_cycles(edges: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative),
    each as a sorted list."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work: list[tuple[str, Iterable[str]]] = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))
    return components


def _one_circle(edges: Mapping[str, Iterable[str]], component: list[str]) -> list[str]:
    """A shortest path from the component's first module back to itself, for the message."""
    members = set(component)
    start = component[0]
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for child in sorted(edges[node]):
                if child not in members:
                    continue
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return [start, *reversed(path[:-1]), start]
                if child not in previous:
                    previous[child] = node
                    following.append(child)
        frontier = following
    return component


def describe(graph: grimp.ImportGraph, edges: Mapping[str, Iterable[str]], component: list[str]) -> str:
    circle = _one_circle(edges, component)
    lines = [f"{len(component)} modules in a cycle: {', '.join(component)}", "  one circle:"]
    for importer, imported in itertools.pairwise(circle):
        details = graph.get_import_details(importer=importer, imported=imported)
        where = ", ".join(f"line {d['line_number']}: {d['line_contents']}" for d in details)
        how = f"({where})" if where else "(enters the package)"
        lines.append(f"    {importer} -> {imported}  {how}")
    return "\n".join(lines)


def test_find_cycles_sees_a_circle() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycles(edges) == [["a", "b", "c"]]
    assert find_cycles({"x": {"y"}, "y": set()}) == []


def test_a_package_file_that_imports_its_modules_closes_a_circle() -> None:
    """``low`` imports ``pkg.rules``; ``pkg/__init__`` imports ``pkg.actions``, which imports
    ``low``: importing ``low`` first fails at run time, so this is a cycle. A module inside
    the package importing a sibling is not (its package is already loaded)."""
    graph = grimp.ImportGraph()
    for module in ("low", "pkg", "pkg.rules", "pkg.actions"):
        graph.add_module(module)
    graph.add_import(importer="low", imported="pkg.rules")
    graph.add_import(importer="pkg", imported="pkg.actions")
    graph.add_import(importer="pkg.actions", imported="low")
    graph.add_import(importer="pkg.actions", imported="pkg.rules")
    assert find_cycles(import_edges(graph)) == [["low", "pkg", "pkg.actions"]]


def test_no_import_cycles_in_sync_or_desktop() -> None:
    graph = grimp.build_graph(*ROOTS, cache_dir=None)
    edges = import_edges(graph)
    cycles = find_cycles(edges)
    assert not cycles, "import cycles:\n" + "\n".join(describe(graph, edges, c) for c in cycles)
