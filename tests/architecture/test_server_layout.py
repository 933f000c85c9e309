"""The central server's layout: a few subpackages, each in a layer, and no import cycle.

``sync/server/`` is grouped by concept (see ``sync/README.md``, "The server"); the
import-linter contract "the server is layered" in ``pyproject.toml`` states which
subpackage may import which. These tests keep the two in step and check, over grimp's
graph (every import, including deferred ones), that no module of ``sync.server`` imports
another that imports it back, directly or through other server modules.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import grimp

from tests.architecture.test_import_graph import describe, find_cycles, import_edges

SERVER = "sync.server"
REPO = Path(__file__).resolve().parents[2]

#: Modules allowed at the top of ``sync/server/``: the entry points and what everything shares.
TOP_MODULES = {"cli", "serve", "settings", "errors"}


def _server_layers() -> list[str]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    for contract in config["tool"]["importlinter"]["contracts"]:
        if contract["type"] == "layers" and contract.get("containers") == [SERVER]:
            layers: list[str] = contract["layers"]
            return [name.strip() for layer in layers for name in layer.replace(":", "|").split("|")]
    raise AssertionError("pyproject.toml has no layers contract with containers = ['sync.server']")


def test_no_import_cycles_inside_the_server() -> None:
    graph = grimp.build_graph("sync", cache_dir=None)
    edges = {
        module: {imported for imported in imports if imported.startswith(SERVER)}
        for module, imports in import_edges(graph).items()
        if module.startswith(SERVER)
    }
    cycles = find_cycles(edges)
    found = "\n".join(describe(graph, edges, c) for c in cycles)
    assert not cycles, f"import cycles in sync.server:\n{found}"


def test_every_server_module_has_a_home_in_the_layers() -> None:
    """A new module goes into the subpackage of its concept, and a new subpackage gets a
    layer in the contract (so lint-imports checks its direction)."""
    root = REPO / "sync" / "server"
    loose = sorted(p.stem for p in root.glob("*.py") if p.stem != "__init__" and p.stem not in TOP_MODULES)
    assert not loose, f"modules at the top of sync/server/ (move each into its subpackage): {loose}"
    packages = {p.parent.name for p in root.glob("*/__init__.py")}
    layered = set(_server_layers())
    missing, stale = packages - layered, layered - packages - TOP_MODULES
    assert not missing, f"subpackages missing from the server's layers contract: {sorted(missing)}"
    assert not stale, f"layers naming nothing: {sorted(stale)}"
