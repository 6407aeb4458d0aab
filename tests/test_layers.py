"""The parts of `distributor` stand in layers: a part imports only parts below it, only through
its front door, and no module imports itself back through others, at import time or inside
a function.

`LAYERS` is the one place the allowed arrows are written; the README's "Layout"
section draws the same picture. The graph is read from the source with `ast`, so
imports inside functions and under TYPE_CHECKING count like any other.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "distributor"

# Lowest first. A part may import any part of a lower layer, never one of its own layer or above.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("__init__", "errors", "paths"),  # the package's version; the errors; where shipped files are
    ("config",),  # settings from the environment
    ("models",),  # the typed tables
    ("db", "names", "addresses", "wording", "tokens", "urls"),  # small pieces every part uses
    ("schema", "audit", "audit_log", "observability"),  # migrations; the audit trail; logs, metrics
    ("accounts",),  # users, roles, API keys
    ("contacts",),  # lists, imports, segments, suppressions, privacy
    ("releases",),  # release files, Markdown, media kits
    ("rendering", "overview"),  # a release made into email and web pages; the dashboard's figures
    ("sending", "bounces"),  # outgoing mail; inbound mail (bounces, complaints, replies)
    ("demo",),  # the quickstart's demo, which sends
    ("tasks",),  # the Celery door
    ("health",),  # checks of every server the doors use
    ("web",),  # the FastAPI door
    ("cli",),  # the command line, which also serves the web app
    ("__main__",),
)
LAYER_OF = {part: level for level, parts in enumerate(LAYERS) for part in parts}
# Inside a part, its sub-parts may stand in layers too, in the same way.
INNER_LAYERS: dict[str, tuple[tuple[str, ...], ...]] = {
    "sending": (
        ("transports", "throttle"),  # the relay and the pace towards it
        ("message",),  # one message, built once per send-out and filled in per recipient
        ("scheduling",),  # send-outs over time, their checks, deliveries and progress
        ("lease_keeper",),  # a batch's leases kept while its worker lives
        ("pipeline", "replies", "notices"),  # what sends: batches, forwards, single notices
    ),
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _targets(name: str, path: Path) -> Iterator[str]:
    """Every distributor module `name` imports, wherever in the file the import is."""
    modules = _modules()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names if alias.name in modules)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                if submodule in modules:
                    yield submodule
                elif base in modules:
                    yield base


@cache
def import_graph() -> dict[str, frozenset[str]]:
    return {
        name: frozenset(target for target in _targets(name, path) if target != name)
        for name, path in _modules().items()
    }


def part_of(module: str) -> str:
    """The part a module belongs to: `distributor.sending.pipeline` → `sending`."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _cycles(graph: dict[str, frozenset[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while (member := stack.pop()) != node:
                on_stack.discard(member)
                group.append(member)
            on_stack.discard(node)
            if group:
                found.append(sorted([node, *group]))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_every_part_has_a_layer() -> None:
    unplaced = sorted({part_of(module) for module in import_graph()} - set(LAYER_OF))
    assert not unplaced, f"add these parts to LAYERS (and to the README's Layout): {unplaced}"


def test_no_part_imports_a_part_of_its_own_layer_or_above() -> None:
    upward = sorted(
        f"{module} imports {target} ({part_of(module)} may not import {part_of(target)})"
        for module, targets in import_graph().items()
        for target in targets
        if part_of(module) != part_of(target)
        and LAYER_OF.get(part_of(target), -1) >= LAYER_OF.get(part_of(module), -1)
    )
    assert not upward, "imports against the layers:\n" + "\n".join(upward)


def _door_names(part: str) -> frozenset[str] | None:
    """The names a part's door lists in `__all__` (in `__init__.pyi` where the door loads its
    names lazily); None for a part that is one module."""
    door = PACKAGE / part / "__init__.pyi"
    if not door.exists():
        door = door.with_suffix(".py")
    if not door.exists():
        return None
    for node in ast.parse(door.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "__all__" for target in node.targets
        ):
            return frozenset(ast.literal_eval(node.value))
    return frozenset()


def _imports_from(path: Path) -> Iterator[tuple[str, str]]:
    """(module, name) of every `from distributor… import name` in the file."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("distributor."):
            yield from ((str(node.module), alias.name) for alias in node.names)


def test_a_part_is_entered_only_through_its_front_door() -> None:
    wrong = []
    for module, path in _modules().items():
        for target, name in _imports_from(path):
            part = part_of(target)
            door = _door_names(part)
            if part == part_of(module) or door is None:
                continue
            if target != f"distributor.{part}":
                wrong.append(
                    f"{module} imports {name} from {target}: import it from distributor.{part}"
                )
            elif name not in door:
                wrong.append(
                    f"{module} imports {name} from distributor.{part}, whose __all__ lacks it"
                )
    assert not wrong, "imports past a front door:\n" + "\n".join(sorted(wrong))


@pytest.mark.parametrize(
    "door", sorted(_module_name(path.with_suffix(".py")) for path in PACKAGE.rglob("__init__.pyi"))
)
def test_every_name_a_lazy_door_lists_is_there(door: str) -> None:
    package = importlib.import_module(door)
    missing = [name for name in package.__all__ if not hasattr(package, name)]
    assert not missing, f"{door} lists names its modules do not have: {missing}"


def test_sub_parts_import_only_sub_parts_below_them() -> None:
    upward = []
    for part, layers in INNER_LAYERS.items():
        level = {sub: index for index, subs in enumerate(layers) for sub in subs}
        for module, targets in import_graph().items():
            if part_of(module) != part or module == f"distributor.{part}":
                continue
            inner = (t for t in targets if part_of(t) == part and t != f"distributor.{part}")
            for target in inner:
                here, there = _sub_part(module), _sub_part(target)
                if here != there and level[there] >= level[here]:
                    upward.append(f"{module} imports {target} ({here} may not import {there})")
    assert not upward, "imports against the sub-parts' layers:\n" + "\n".join(sorted(upward))


def _sub_part(module: str) -> str:
    return module.split(".")[2]


def test_no_modules_import_each_other_round_in_a_cycle() -> None:
    cycles = _cycles(import_graph())
    assert not cycles, "modules in an import cycle:\n" + "\n".join(map(" ↔ ".join, cycles))


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a": frozenset({"b"}), "b": frozenset({"a"})}, [["a", "b"]]),
        ({"a": frozenset({"b"}), "b": frozenset({"c"}), "c": frozenset()}, []),
        ({"a": frozenset({"b"}), "b": frozenset({"c"}), "c": frozenset({"a"})}, [["a", "b", "c"]]),
    ],
)
def test_a_cycle_is_found_however_long(
    graph: dict[str, frozenset[str]], expected: list[list[str]]
) -> None:
    assert _cycles(graph) == expected


def test_an_import_inside_a_function_counts(tmp_path: Path) -> None:
    path = tmp_path / "lazy.py"
    path.write_text("def f():\n    from distributor.web import app\n", encoding="utf-8")
    assert "distributor.web.app" in set(_targets("distributor.sending.lazy", path))
