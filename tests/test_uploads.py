"""Every file a member can upload goes through `prm.uploads`: an `UploadField` checks it by
content, size and pixels, and the upload handler stops storing it past its limit.

A plain `FileField` would accept any content, decode an image of any size, and call a file the
handler refused "empty". These tests find every form and every model admin of the product, so
a later app's upload (a course cover, an MDF proof of performance) is held to it too.
"""

import importlib
import pkgutil
from collections.abc import Iterator

import pytest
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.db import models

from prm.platform.sites import platform_admin_site
from prm.uploads.fields import UploadField
from prm.workspace.sites import tenant_admin_site
from tests.test_layering import LAYERS

#: modules not to import: settings modules read the environment, wsgi starts the app
SKIPPED = ("prm.settings", "prm.wsgi")


def _project_modules() -> Iterator[str]:
    for package in LAYERS:
        try:
            root = importlib.import_module(package)
        except ModuleNotFoundError:  # an app not built yet
            continue
        for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}."):
            parts = info.name.split(".")
            skipped = "tests" in parts or "migrations" in parts or info.name.startswith(SKIPPED)
            if not skipped:
                yield info.name


def _subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def project_forms() -> list[type[forms.BaseForm]]:
    for module in _project_modules():
        importlib.import_module(module)
    return [
        form
        for form in set(_subclasses(forms.BaseForm))
        if form.__module__.split(".")[0] in LAYERS and ".tests" not in form.__module__
    ]


def test_the_upload_handler_comes_first():
    assert settings.FILE_UPLOAD_HANDLERS[0] == "prm.uploads.handler.UploadLimitHandler"


def test_every_file_field_of_every_form_is_an_upload_field():
    found = project_forms()
    assert any(f.__name__ == "TenantSettingsForm" for f in found)
    plain = [
        f"{form.__module__}.{form.__name__}.{name}"
        for form in found
        for name, field in getattr(form, "base_fields", {}).items()
        if isinstance(field, forms.FileField) and not isinstance(field, UploadField)
    ]
    assert plain == []


def _shown_fields(model_admin: admin.ModelAdmin) -> set[str]:
    """The model fields a model admin's change form edits (not only shows)."""
    if model_admin.fieldsets:
        names = set(flatten_fieldsets(model_admin.fieldsets))
    elif model_admin.fields:
        names = set(flatten_fieldsets([(None, {"fields": model_admin.fields})]))
    else:
        names = {f.name for f in model_admin.model._meta.get_fields() if getattr(f, "editable", 0)}
        names -= set(model_admin.exclude or ())
    return names - set(model_admin.readonly_fields)


@pytest.mark.parametrize(
    "site", [tenant_admin_site, platform_admin_site], ids=["tenant", "platform"]
)
def test_every_model_file_an_admin_edits_is_an_upload_field_of_its_form(site):
    plain = []
    for model, model_admin in site._registry.items():
        for field in model._meta.get_fields():
            if not isinstance(field, models.FileField):
                continue
            if field.name not in _shown_fields(model_admin):
                continue
            declared = model_admin.form.base_fields.get(field.name)
            if not isinstance(declared, UploadField):
                plain.append(f"{model._meta.label}.{field.name}")
    assert plain == []
