"""The floors hold. Lowest first, a module may import its own floor and lower ones, never a higher one:
analysis (pure) < yuqing.core (configuration, storage, app) < crawler and responder (which never import
each other) < yuqing.stages (one edge function per stage) < yuqing.shell (cli, web, scheduler, demo).
Every import counts, including those inside functions."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FLOORS = {  # folder: floor, most specific first
    "yuqing/core": 1,
    "yuqing/stages": 3,
    "yuqing/shell": 4,
    "analysis": 0,
    "crawler": 2,
    "responder": 2,
    "yuqing": 1,  # yuqing/__init__.py: the version only
}
APART = {"crawler": "responder", "responder": "crawler"}  # same floor, never each other
# Known breaks, each with the reason it is still there; one that no longer happens must be removed.
KNOWN: dict[str, str] = {}


def floor_of(dotted: str) -> tuple[int, str] | None:
    """The floor and top folder of a module named by its dotted path, or None outside the project."""
    path = dotted.replace(".", "/")
    for folder, floor in FLOORS.items():
        if path == folder or path.startswith(folder + "/"):
            return floor, folder
    return None


def imported_modules(source: str) -> set[str]:
    """The dotted name of every absolute import in a module's source."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def _package(dotted: str) -> str:
    """How a break names the imported package: its floor's folder as a dotted name."""
    found = floor_of(dotted)
    return found[1].replace("/", ".") if found else dotted


def violations(root: Path) -> list[str]:
    """`file imports package` for every import of a higher floor, or between crawler and responder."""
    found = set()
    for folder in ("analysis", "crawler", "responder", "yuqing"):
        for path in sorted((root / folder).rglob("*.py")):
            relative = path.relative_to(root)
            own = floor_of(".".join(relative.with_suffix("").parts))
            if own is None:
                continue
            for name in imported_modules(path.read_text(encoding="utf-8")):
                other = floor_of(name)
                if other is None:
                    continue
                top, other_top = own[1].split("/")[0], other[1].split("/")[0]
                if other[0] > own[0] or APART.get(top) == other_top:
                    found.add(f"{relative.as_posix()} imports {_package(name)}")
    return sorted(found)


def test_no_floor_imports_a_higher_one():
    found = set(violations(ROOT))
    assert found - set(KNOWN) == set(), "a lower floor imports a higher one, or crawler/responder each other"
    assert set(KNOWN) - found == set(), "this known break is gone: remove it from KNOWN"


def test_every_floor_holds_modules():
    for folder in FLOORS:
        assert any((ROOT / folder).rglob("*.py")), folder


@pytest.mark.parametrize("module, line, expected", [
    ("analysis/sub/mod.py", "from yuqing.core.config import Settings", "yuqing.core"),
    ("analysis/sub/mod.py", "import responder.states as states", "responder"),
    ("crawler/sub/mod.py", "def f():\n    from responder import alerts\n", "responder"),
    ("responder/sub/mod.py", "import crawler.items, json", "crawler"),
    ("yuqing/core/sub/mod.py", "from crawler.items import PostItem", "crawler"),
    ("crawler/sub/mod.py", "from yuqing.stages.analyze import judges", "yuqing.stages"),
    ("yuqing/stages/sub/mod.py", "from yuqing.shell.cli import main", "yuqing.shell"),
])
def test_a_forbidden_import_is_reported(tmp_path, module, line, expected):
    path = tmp_path / module
    path.parent.mkdir(parents=True)
    path.write_text(f"from . import sibling\nimport os\nimport analysis.levels\n{line}\n", encoding="utf-8")
    assert violations(tmp_path) == [f"{module} imports {expected}"]


def test_a_lower_or_equal_floor_is_allowed(tmp_path):
    path = tmp_path / "yuqing/shell/web/mod.py"
    path.parent.mkdir(parents=True)
    path.write_text("import analysis.levels\nfrom crawler import items\nfrom responder import states\n"
                    "from yuqing.stages import analyze\nfrom yuqing.core.app import App\n", encoding="utf-8")
    assert violations(tmp_path) == []
