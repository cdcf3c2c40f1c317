"""Dependencies point one way: api → usecases → core; adapters implement the ports; the
container wires them. Every import statement of chalicelib/ is read (those inside functions
too): a package cycle, a pure core importing AWS or Chalice, or a use case reaching past its
ports fails here.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "chalicelib"

# The modules every layer may use: configuration, domain errors, time, validation, paging,
# geometry checks, the declared catalog, the caller and the roles, the ports.
KERNEL = {
    "chalicelib",
    "chalicelib.settings",
    "chalicelib.errors",
    "chalicelib.clock",
    "chalicelib.validation",
    "chalicelib.paging",
    "chalicelib.geo",
    "chalicelib.phones",
    "chalicelib.declared",
    "chalicelib.auth",
    "chalicelib.ports",
}
# Layer → the layers it may import (besides itself and the kernel).
ALLOWED = {
    "chalicelib.core": set(),
    "kernel": {"chalicelib.core"},
    "chalicelib.adapters": {"chalicelib.core"},
    "chalicelib.usecases": {"chalicelib.core"},
    "chalicelib.api": {"chalicelib.core", "chalicelib.usecases", "chalicelib.container"},
    "chalicelib.container": {"chalicelib.core", "chalicelib.adapters"},
    # the operators' command line is an entry point too, like the container
    "chalicelib.cli": {
        "chalicelib.core",
        "chalicelib.usecases",
        "chalicelib.container",
        "chalicelib.adapters",
    },
}
# Libraries the pure core must never import.
NOT_IN_CORE = ("boto3", "botocore", "pynamodb", "chalice", "aws_lambda_powertools", "jwt")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every module `path` imports, wherever the statement is."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def layer(module: str) -> str:
    if module in KERNEL or module.startswith("chalicelib.auth."):
        return "kernel"
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 else module


def chalicelib_modules() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        known = {m for m in imports(path) if m.startswith("chalicelib")}
        graph[module_name(path)] = {m for m in known if _is_module(m)}
    return graph


def _is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


GRAPH = chalicelib_modules()


def package_graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = defaultdict(set)
    for module, targets in GRAPH.items():
        for target in targets:
            if layer(target) != layer(module):
                edges[layer(module)].add(layer(target))
    return edges


def test_no_package_depends_on_itself_through_another() -> None:
    edges = package_graph()

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in edges.get(start, ()):
            if nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})):
                return True
        return False

    cycles = sorted(p for p in edges if reaches(p, p, {p}))
    assert cycles == [], f"package cycles through: {cycles}"


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_each_module_imports_only_the_layers_below_it(module: str) -> None:
    own = layer(module)
    allowed = ALLOWED.get(own, set()) | {own, "kernel"}
    wrong = sorted(t for t in GRAPH[module] if layer(t) not in allowed)
    assert wrong == [], f"{module} ({own}) must not import {wrong}"


@pytest.mark.parametrize("path", sorted((PACKAGE / "core").glob("*.py")), ids=lambda p: p.name)
def test_the_core_is_pure(path: Path) -> None:
    found = imports(path)
    outside = sorted(
        m
        for m in found
        if m.split(".")[0] in NOT_IN_CORE
        or (m.startswith("chalicelib") and not m.startswith("chalicelib.core"))
    )
    assert outside == [], f"{path.name} imports {outside}"


def test_the_rules_would_catch_a_use_case_reaching_an_adapter() -> None:
    """The check itself can fail: a use case importing the DynamoDB store is refused."""
    own = layer("chalicelib.usecases.tickets")
    assert layer("chalicelib.adapters.store") not in ALLOWED[own] | {own, "kernel"}


def test_test_and_demo_generators_are_not_in_the_bundle() -> None:
    """What only tests and the demo use (fakes, fixtures, demo data) lives outside
    chalicelib/, which is all the Lambda bundle takes."""
    names = {p.name for p in PACKAGE.rglob("*.py")}
    generators = sorted(
        f"{p.name}:{node.name}"
        for p in PACKAGE.rglob("*.py")
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef) and node.name.startswith(("demo_", "fake_"))
    )
    assert not {"fakes.py", "seed.py", "demo_files.py"} & names
    assert generators == []
