"""bot/ and commands/ never import a platform library; bot/ never imports the outer layers."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PLATFORM = {"discord", "slack_bolt", "slack_sdk"}


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", ["bot", "commands"])
def test_no_platform_library(package: str) -> None:
    files = list((ROOT / package).rglob("*.py"))
    assert files
    for path in files:
        assert not imports(path) & PLATFORM, f"{path} imports a platform library"


def test_dependencies_point_one_way() -> None:
    for path in (ROOT / "bot").rglob("*.py"):
        assert not imports(path) & {"commands", "adapters"}, f"{path} imports an outer layer"
    for path in (ROOT / "commands").rglob("*.py"):
        assert "adapters" not in imports(path), f"{path} imports adapters"
