"""The house rules, checked: dependencies point one way (adapters -> commands -> bot), bot/
and commands/ import no platform library, a platform adapter reaches bot/ only through
bot/edge (the runtime and the CLI may reach further), no import cycles, no module over 400
lines or class over 250, and the track list written once."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "commands", "adapters")
PLATFORM = {"discord", "slack_bolt", "slack_sdk"}
WIRING = {"adapters/runtime.py", "adapters/cli.py"}  # may reach past bot/edge


def sources() -> Iterator[Path]:
    for package in PACKAGES:
        yield from sorted((ROOT / package).rglob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set[str]:
    """Every module an import in the file names, TYPE_CHECKING and local imports included."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return found


def test_no_platform_library_in_the_core() -> None:
    for path in sources():
        if path.parts[len(ROOT.parts)] == "adapters":
            continue
        roots = {m.split(".")[0] for m in imported_modules(path)}
        assert not roots & PLATFORM, f"{path} imports a platform library"


def test_dependencies_point_one_way() -> None:
    for path in sources():
        layer = path.parts[len(ROOT.parts)]
        roots = {m.split(".")[0] for m in imported_modules(path)}
        if layer == "bot":
            assert not roots & {"commands", "adapters"}, f"{path} imports an outer layer"
        if layer == "commands":
            assert "adapters" not in roots, f"{path} imports adapters"


def test_platform_adapters_reach_the_core_only_through_the_edge() -> None:
    for path in (ROOT / "adapters").rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if rel in WIRING:
            continue
        core = {m for m in imported_modules(path) if m.split(".")[0] == "bot"}
        allowed = ("bot.edge", "bot.settings")
        stray = {m for m in core if not m.startswith(allowed)}
        assert not stray, f"{rel} imports {sorted(stray)}; adapters import bot.edge"


def _graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in sources()}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        named = imported_modules(path)
        # Importing a.b.c runs the package a.b's __init__ first: that is an edge too.
        implied = {".".join(m.split(".")[:i]) for m in named for i in range(1, m.count(".") + 1)}
        graph[name] = {m for m in named | implied if m in modules and m != name}
    return graph


def test_no_import_cycles() -> None:
    graph = _graph()
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            # A package importing its own submodules (re-exports) is not a cycle.
            if node.startswith(nxt + "."):
                continue
            if state.get(nxt) == 1:
                cycle = [*stack[stack.index(nxt) :], nxt]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


@pytest.mark.parametrize("path", list(sources()), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_modules_and_classes_stay_small(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 400, f"{path.name} has over 400 lines: split it"
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ClassDef):
            size = (node.end_lineno or node.lineno) - node.lineno + 1
            assert size <= 250, f"class {node.name} in {path.name} has {size} lines"


def test_the_track_list_is_written_once() -> None:
    """Only bot/rules/tracks.py lists the tracks: elsewhere a module names at most the one
    track it belongs to (a generator's `track=`), never several."""
    from bot.rules.tracks import TRACKS

    home = ROOT / "bot" / "rules" / "tracks.py"
    for path in sources():
        if path == home:
            continue
        text = path.read_text(encoding="utf-8")
        named = [t for t in TRACKS if f'"{t}"' in text]
        assert len(named) <= 1, f"{path} lists the tracks {named} again"
