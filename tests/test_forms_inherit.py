"""Every form of the product inherits the core's checks, so that a new app's forms do too.

A form class defined in the product must derive from `prm.forms.FormMixin` (the text and date
checks of `prm.inputs`, tenant-scoped unique constraints, one-time tokens); every model admin
and inline of both admin sites from `prm.admin_forms`' bases, which give the forms Django's
admin builds the same checks.
"""

import importlib
import pkgutil
from collections.abc import Iterator

from django import forms

from prm.admin_forms import GuardedFormsAdmin, GuardedFormsInline
from prm.forms import FormMixin
from prm.platform.sites import platform_admin_site
from prm.workspace.sites import tenant_admin_site

PACKAGES = ("prm", "partners", "deals")
#: modules that configure a process rather than define code (importing prod reads its secrets)
SKIPPED = ("prm.settings", "prm.wsgi")


def _import_product() -> None:
    for package in PACKAGES:
        root = importlib.import_module(package)
        for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}."):
            parts = info.name.split(".")
            if "tests" in parts or "migrations" in parts or info.name.startswith(SKIPPED):
                continue
            importlib.import_module(info.name)


def _subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _product_forms() -> set[type]:
    _import_product()
    return {
        cls
        for cls in _subclasses(forms.BaseForm)
        if cls.__module__.split(".")[0] in PACKAGES and ".tests" not in cls.__module__
    }


def test_the_product_defines_forms_this_test_can_see():
    names = {cls.__name__ for cls in _product_forms()}
    assert {"DealForm", "PartnerInviteForm", "PartnerAdminForm", "PartnerRowForm"} <= names


def test_every_form_of_the_product_derives_from_the_cores_form_mixin():
    missing = sorted(
        f"{cls.__module__}.{cls.__qualname__}"
        for cls in _product_forms()
        if not issubclass(cls, FormMixin)
    )
    assert missing == [], "derive these from prm.forms.Form or prm.forms.ModelForm"


def test_every_admin_and_inline_gives_its_forms_the_cores_checks():
    missing = []
    for site in (tenant_admin_site, platform_admin_site):
        for model, model_admin in site._registry.items():
            if not isinstance(model_admin, GuardedFormsAdmin):
                missing.append(f"{site.name}: {model.__name__}")
            missing += [
                f"{site.name}: {model.__name__} inline {inline.__name__}"
                for inline in model_admin.inlines
                if not issubclass(inline, GuardedFormsInline)
            ]
    assert missing == []
