"""The floors hold: `analysis/` imports none of the other packages, `crawler/` and `responder/` never
import each other. Every import counts, including those inside functions."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("analysis", "crawler", "responder", "yuqing")
FORBIDDEN = {  # package: the packages it must not import
    "analysis": {"yuqing", "crawler", "responder"},
    "crawler": {"responder"},
    "responder": {"crawler"},
}
# Known breaks, each with the reason it is still there; one that no longer happens must be removed.
KNOWN: dict[str, str] = {}


def imported_packages(source: str) -> set[str]:
    """The top-level names of every absolute import in a module's source."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def violations(root: Path, rules: dict[str, set[str]]) -> list[str]:
    """`file imports package` for every import that breaks a rule, under root."""
    found = []
    for package, banned in sorted(rules.items()):
        for path in sorted((root / package).rglob("*.py")):
            for name in sorted(imported_packages(path.read_text(encoding="utf-8")) & banned):
                found.append(f"{path.relative_to(root)} imports {name}")
    return found


def test_no_floor_imports_a_package_it_must_not():
    found = set(violations(ROOT, FORBIDDEN))
    assert found - set(KNOWN) == set(), "a lower floor imports a higher one, or crawler/responder each other"
    assert set(KNOWN) - found == set(), "this known break is gone: remove it from KNOWN"


def test_every_package_is_checked_and_holds_modules():
    assert set(FORBIDDEN) <= set(PACKAGES)
    for package in PACKAGES:
        assert any((ROOT / package).rglob("*.py")), package


@pytest.mark.parametrize("package, line", [
    ("analysis", "from yuqing.config import Settings"),
    ("analysis", "import responder.states as states"),
    ("crawler", "def f():\n    from responder import alerts\n"),
    ("responder", "import crawler.items, json"),
])
def test_a_forbidden_import_is_reported(tmp_path, package, line):
    module = tmp_path / package / "sub" / "mod.py"
    module.parent.mkdir(parents=True)
    module.write_text(f"from . import sibling\nimport os\n{line}\n", encoding="utf-8")
    [found] = violations(tmp_path, FORBIDDEN)
    assert found.startswith(f"{package}/sub/mod.py imports ")
