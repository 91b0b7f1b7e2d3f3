"""Apps import only downward (DESIGN.md §3): prm.* <- partners <- the rest, as layered below,
and inside `prm` each package imports only the packages below it in `PRM_ORDER`.

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
    "mdf": 3,
    "commissions": 3,
    "reporting": 4,
}

#: The core's own packages and modules, lowest first; each may use only those before it.
PRM_ORDER = [
    # the Celery app and its beat registry, then helpers that know no model
    "celery",
    "dates",
    "formats",
    "money",
    "figures",
    # the business-hours SLA clock (deal registrations, MDF requests)
    "sla",
    "text",
    "normalize",
    "inputs",
    "uniques",
    "submissions",
    "forms",
    "filters",
    "admin_forms",
    "pagination",
    "uploads",
    # tenants, domains, memberships, roles and capabilities, branding, the request's tenant
    "tenancy",
    # PDFs: templates to PDF with a deny-by-default fetcher; reads tenancy's branding and logo
    # and stores into uploads' private storage, and nothing above needs to reach down past it
    "pdf",
    # the client's address, security headers, safe redirects, masked secret links
    "security",
    # money sources: what each app owes partners, read by the portal's money view
    "earnings",
    "audit",
    # the vendor's admin UI: its site, the model admin base, page helpers, settings, audit log
    "workspace",
    "csvio",
    # dated exchange rates per tenant: reporting totals in the tenant's currency
    "exchange",
    # named KPIs and their evaluation engine; money in the tenant's currency through exchange
    "metrics",
    # server-rendered SVG charts: figures through metrics' formatter, colours from tenancy's
    # branding; every page and PDF above draws with it
    "charts",
    # background jobs with progress: the Job row, kinds registry, runner, sweep and pages
    "jobs",
    # events, rules, in-portal notifications, the email outbox and tenant mail
    "notifications",
    "workflow",
    # the partner portal's shell: home, nav and their registries
    "portal",
    # users, sign-in, invitations, teams
    "accounts",
    # the operator's admin on the platform host
    "platform",
    # the REST API: keys, scopes, the registry of what apps serve and how they represent it
    "api",
    # signed webhooks from an outbox: listens to every event, sends the API's representations
    "webhooks",
    # wiring: settings, URL confs, the Celery app
    "urls",
    "urls_platform",
    "wsgi",
    "settings",
    "__init__",
]

#: Modules a lower package may import for type hints only (under `if TYPE_CHECKING:`).
TYPING_ONLY_IMPORTS = {
    "prm.accounts.models": (
        "The user model: the core reaches it at run time through get_user_model() and "
        "settings.AUTH_USER_MODEL (it is swappable), and names it only in annotations."
    ),
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


# The order inside prm.


def prm_unit(module: str) -> str | None:
    """`prm.accounts.services` -> "accounts"; None outside the core."""
    parts = module.split(".")
    return parts[1] if parts[0] == "prm" and len(parts) > 1 else None


def prm_unit_of_app_label(label: str) -> str | None:
    try:
        return prm_unit(apps.get_app_config(label).name)
    except LookupError:
        return None


def typing_only_nodes(tree: ast.AST) -> set[int]:
    """The ids of the nodes inside `if TYPE_CHECKING:` blocks."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            inside |= {id(n) for n in ast.walk(node)}
    return inside


def core_references(tree: ast.AST, package: str) -> Iterator[str]:
    """Every core unit a module of `package` (dotted) reaches at run time: imports (relative
    ones too), includes, model references and events."""
    typing_only = typing_only_nodes(tree)
    for node in ast.walk(tree):
        if id(node) in typing_only:
            if isinstance(node, ast.ImportFrom) and node.module not in TYPING_ONLY_IMPORTS:
                yield from filter(None, [prm_unit(node.module or "")])
            continue
        if isinstance(node, ast.Import):
            yield from filter(None, (prm_unit(a.name) for a in node.names))
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield from filter(None, [prm_unit(node.module)])
        elif isinstance(node, ast.ImportFrom) and node.level > 0:
            base = package.split(".")[: len(package.split(".")) - node.level + 1]
            yield from filter(None, [prm_unit(".".join([*base, node.module or ""]))])
        elif isinstance(node, ast.Call):
            name = _called(node)
            if name == "include" and (module := _first_string(node, "arg")):
                yield from filter(None, [prm_unit(module)])
            elif name in MODEL_FIELDS and (model := _first_string(node, "to")):
                if "." in model and (unit := prm_unit_of_app_label(model.split(".")[0])):
                    yield unit
            elif name in EVENT_CALLS and (event := _first_string(node, "name")):
                yield from filter(None, [prm_unit_of_app_label(event.split(".")[0])])


def core_modules() -> Iterator[tuple[str, Path]]:
    core = Path(settings.BASE_DIR) / "prm"
    for path in sorted(core.rglob("*.py")):
        parts = path.relative_to(core).parts
        if "tests" not in parts and "migrations" not in parts:
            yield (parts[0] if len(parts) > 1 else path.stem), path


CORE_MODULES = list(core_modules())


def test_every_core_package_has_its_place_in_the_order():
    assert {unit for unit, _path in CORE_MODULES} <= set(PRM_ORDER)
    assert len(PRM_ORDER) == len(set(PRM_ORDER))


@pytest.mark.parametrize(
    ("unit", "path"), CORE_MODULES, ids=[relative(path) for _unit, path in CORE_MODULES]
)
def test_core_packages_use_only_the_packages_below_them(unit, path):
    tree = ast.parse(path.read_text())
    package = ".".join(path.parent.relative_to(Path(settings.BASE_DIR)).parts)
    above = {
        other
        for other in core_references(tree, package)
        if other != unit and PRM_ORDER.index(other) > PRM_ORDER.index(unit)
    }
    assert above == set(), f"{relative(path)} ({unit}) reaches up to {sorted(above)}"


def test_the_core_order_check_can_fail():
    source = """
from typing import TYPE_CHECKING
from prm.accounts.services import invitation_create
from ..portal import nav
from .selectors import other_portals_for
x = models.ForeignKey("notifications.Notification", on_delete=models.CASCADE)
emit("accounts.member.deactivated", tenant=t)
if TYPE_CHECKING:
    from prm.accounts.models import User
    from prm.workspace.sites import TenantModelAdmin
"""
    found = set(core_references(ast.parse(source), "prm.tenancy"))
    assert found == {"accounts", "portal", "tenancy", "notifications", "workspace"}
