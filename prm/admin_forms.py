"""The admin's side of `prm.forms`: every admin page's forms get the product's checks, and a
unique constraint lost to a concurrent request comes back as the form with its error.

`TenantModelAdmin` and the operator's tenant admin derive from `GuardedFormsAdmin`, the tenant
site's inlines and the operator's from `GuardedFormsInline`:

- each form (change form, list-editable rows, inline rows) is `prm.forms.guarded()`: the text
  and date checks (`prm.inputs`), the instance's tenant set before validation (so the
  tenant-scoped unique constraints are checked, `prm.uniques`), and on an add form the
  one-time token (`prm.submissions`; `admin/prm/change_form.html` renders it);
- a save that fails on a unique constraint (another request saved the same value between this
  one's validation and its insert), or that a service called by `save_model` refuses with a
  `ValidationError`, is rolled back whole, and the page is built again from the same POST with
  the error beside its field, the message the check before saving gives: validating again
  finds the other request's row and says so, and `refusal` makes sure the error shows even when
  it does not (an inline row, a constraint the form cannot check).
"""

from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import IntegrityError, router
from django.http import HttpRequest, HttpResponse

from prm.forms import guarded
from prm.uniques import duplicate_error

#: the request attribute that carries a lost race's errors into the page built again
REFUSAL = "_prm_refusal"


class GuardedFormsAdmin(admin.ModelAdmin):
    """Base of the product's model admins (see the module)."""

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        return guarded(
            form,
            tenant=getattr(request, "tenant", None),
            submit_once=obj is None,
            refusal=getattr(request, REFUSAL, None),
        )

    def get_changelist_form(self, request: HttpRequest, **kwargs: Any) -> Any:
        form = super().get_changelist_form(request, **kwargs)
        return guarded(form, tenant=getattr(request, "tenant", None))

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: Any = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (IntegrityError, ValidationError) as exc:
            # Django's changeform_view saves inside transaction.atomic(): leaving it with the
            # error rolled back the object, its inlines and its history together.
            if isinstance(exc, IntegrityError):
                error = duplicate_error(exc, using=router.db_for_write(self.model))
            else:  # a service called by save_model refused (it lost a race it checks itself)
                error = exc
            if error is None or request.method != "POST" or hasattr(request, REFUSAL):
                raise
            setattr(request, REFUSAL, error)
            return super().changeform_view(request, object_id, form_url, extra_context)


class GuardedFormsInline(admin.options.InlineModelAdmin):
    """Base of the product's inlines: their rows' forms are guarded too."""

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        kwargs["form"] = guarded(
            kwargs.get("form", self.form), tenant=getattr(request, "tenant", None)
        )
        return super().get_formset(request, obj, **kwargs)
