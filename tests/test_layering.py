"""Apps import only downward (DESIGN.md §3): prm.* <- partners <- the rest, as layered below."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

LAYERS = {
    "prm": 0,
    "partners": 1,
    "deals": 2,
    "training": 2,
    "mdf": 2,
    "commissions": 3,
    "reporting": 4,
}


def top_package(module: str) -> str:
    return module.split(".", 1)[0]


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {top_package(a.name) for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(top_package(node.module))
    return found


def product_modules():
    root = Path(settings.BASE_DIR)
    for package in LAYERS:
        for path in (root / package).rglob("*.py") if (root / package).exists() else []:
            if "tests" not in path.relative_to(root).parts:
                yield package, path


@pytest.mark.parametrize(
    ("package", "path"), list(product_modules()), ids=lambda v: str(v).split("/work/main/")[-1]
)
def test_modules_import_only_their_own_layer_or_below(package, path):
    upward = {
        name for name in imports_of(path) if name in LAYERS and LAYERS[name] > LAYERS[package]
    }
    same_level_other = {
        name
        for name in imports_of(path)
        if name in LAYERS and LAYERS[name] == LAYERS[package] and name != package
    }
    assert upward == set()
    assert same_level_other == set()
