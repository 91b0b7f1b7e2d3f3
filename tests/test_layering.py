"""Apps import only downward (DESIGN.md §3): prm.* <- partners <- the rest, as layered below.

Python imports are not the only way to reach up: an `include("deals.urls")`, a foreign key to
`"deals.Deal"`, a beat entry naming `"deals.tasks..."` or a subscription to an event
`"deals.deal.won"` ties a lower package to a higher one just as firmly. Those string references
are checked too; the few edges the design allows are named below with their reason.
"""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.apps import apps
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

#: (file, package it names) -> why the design allows it
ALLOWED_STRING_EDGES = {
    ("prm/tenancy/models.py", "partners"): (
        "Membership.partner: a partner user's membership says which partner company they act "
        "for; the core's access rules read it (DESIGN.md §3, the one allowed upward edge)."
    ),
    ("prm/accounts/models.py", "partners"): (
        "Invitation.partner: an invitation is a membership not accepted yet, and carries the "
        "same partner as the Membership it becomes (the same edge, before acceptance)."
    ),
}

MODEL_FIELDS = {"ForeignKey", "OneToOneField", "ManyToManyField"}
EVENT_CALLS = {"subscribe", "subscribe_ahead", "offer_event", "emit"}


def top_package(module: str) -> str:
    return module.split(".", 1)[0]


def package_of_app_label(label: str) -> str | None:
    try:
        return top_package(apps.get_app_config(label).name)
    except LookupError:
        return label if label in LAYERS else None


def imports_of(tree: ast.AST) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {top_package(a.name) for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(top_package(node.module))
    return found


def _called(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _first_string(node: ast.Call, keyword: str) -> str | None:
    values = [*node.args[:1], *(k.value for k in node.keywords if k.arg == keyword)]
    for value in values:
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            return value.value
    return None


def string_references(tree: ast.AST) -> Iterator[tuple[str, str]]:
    """(kind, package) for every string that names a module, model, task or event."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _called(node)
            if name == "include" and (module := _first_string(node, "arg")):
                yield "include", top_package(module)
            elif name in MODEL_FIELDS and (model := _first_string(node, "to")):
                if "." in model and (package := package_of_app_label(model.split(".")[0])):
                    yield "model", package
            elif (
                name in EVENT_CALLS
                and (event := _first_string(node, "name"))
                and (package := package_of_app_label(event.split(".")[0]))
            ):
                yield "event", package
        elif isinstance(node, ast.Dict):  # a beat entry: {"task": "deals.tasks.x", ...}
            for key, value in zip(node.keys, node.values, strict=True):
                if (
                    isinstance(key, ast.Constant)
                    and key.value == "task"
                    and isinstance(value, ast.Constant)
                    and isinstance(value.value, str)
                ):
                    yield "task", top_package(value.value)


def product_modules() -> Iterator[tuple[str, Path]]:
    root = Path(settings.BASE_DIR)
    for package in LAYERS:
        for path in (root / package).rglob("*.py") if (root / package).exists() else []:
            parts = path.relative_to(root).parts
            if "tests" not in parts and "migrations" not in parts:
                yield package, path


MODULES = list(product_modules())


def relative(path: Path) -> str:
    return str(path.relative_to(Path(settings.BASE_DIR)))


def crosses(package: str, other: str) -> bool:
    """Whether `package` may not reach `other`: it is higher, or another app on the same floor."""
    if other not in LAYERS or other == package:
        return False
    return LAYERS[other] >= LAYERS[package]


IDS = [relative(path) for _package, path in MODULES]


@pytest.mark.parametrize(("package", "path"), MODULES, ids=IDS)
def test_modules_import_only_their_own_layer_or_below(package, path):
    tree = ast.parse(path.read_text())
    assert {name for name in imports_of(tree) if crosses(package, name)} == set()


@pytest.mark.parametrize(("package", "path"), MODULES, ids=IDS)
def test_modules_name_no_module_model_task_or_event_of_a_higher_layer(package, path):
    tree = ast.parse(path.read_text())
    found = {
        (kind, other)
        for kind, other in string_references(tree)
        if crosses(package, other) and (relative(path), other) not in ALLOWED_STRING_EDGES
    }
    assert found == set()


def test_the_allowed_edges_still_exist():
    # An allowance for an edge that is gone would silently permit a new one in its place.
    for file, other in ALLOWED_STRING_EDGES:
        tree = ast.parse((Path(settings.BASE_DIR) / file).read_text())
        assert ("model", other) in set(string_references(tree)), file


def test_the_checks_see_string_references():
    # The check itself must be able to fail: each kind of reference it looks for is found.
    source = """
path("deals/", include("deals.urls"))
deal = models.ForeignKey("deals.Deal", on_delete=models.CASCADE)
SCHEDULE = {"sweep": {"task": "deals.tasks.deals_sweep_all_task"}}
subscribe_ahead("deals.deal.registered", handler)
"""
    assert set(string_references(ast.parse(source))) == {
        ("include", "deals"),
        ("model", "deals"),
        ("task", "deals"),
        ("event", "deals"),
    }
