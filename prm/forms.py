"""Form helpers every app's views share, and the base every form of the product derives from.

`Form` and `ModelForm` (or `FormMixin` on a third-party form) give every form:

- the text and date checks of `prm.inputs` on each of its fields, added fields included;
- for a ModelForm bound to a tenant (`tenant`, set by `TenantModelAdmin` and by portal views),
  its instance's tenant set before validation, so that the tenant-scoped unique constraints
  are checked with their error beside the field (`prm.uniques`);
- with `submit_once = True` (create forms; every admin add form), the hidden one-time token
  that makes a double click create one row, not two (`prm.submissions`);
- `refusal`: errors a lost race found after validation, put back on the form when the page is
  shown again (`prm.admin_forms`).

`tests/test_forms_inherit.py` fails for a form class of the product that does not derive from
`FormMixin`. `TenantModelAdmin` wraps any admin form with `guarded()` on its own.
"""

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar, cast

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction

from prm.inputs import guard_fields
from prm.submissions.tokens import FIELD as TOKEN_FIELD
from prm.submissions.tokens import TokenField
from prm.uniques import duplicate_error

T = TypeVar("T")
FormT = TypeVar("FormT", bound=forms.BaseForm)


def errors_to_form(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's ValidationError beside the fields it names, else at the top of the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def form_call(
    form: forms.BaseForm, service: Callable[..., T], /, *args: Any, **kwargs: Any
) -> T | None:
    """Call the one service of a valid form; None when it refused, its errors then on `form`.

    The service runs in a savepoint. A `ValidationError` goes beside the fields it names
    (`errors_to_form`), and so does a unique constraint the database enforced because another
    request saved the same value at the same moment (`prm.uniques.duplicate_error`): the same
    message as when the duplicate is found before saving. Any other error propagates.
    """
    try:
        with transaction.atomic():
            return service(*args, **kwargs)
    except ValidationError as exc:
        errors_to_form(form, exc)
    except IntegrityError as exc:
        error = duplicate_error(exc)
        if error is None:
            raise
        errors_to_form(form, error)
    return None


class FormMixin:
    """What every form of the product inherits (see the module)."""

    #: whether the form carries a one-time token: set it on forms that create something
    submit_once: ClassVar[bool] = False
    #: the tenant a ModelForm's new instance belongs to (set before validation)
    tenant: Any = None
    #: errors found after validation (a lost race), shown when the form comes back
    refusal: ValidationError | None = None

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.submit_once:
            self.fields[TOKEN_FIELD] = TokenField()
        instance = getattr(self, "instance", None)
        if (
            self.tenant is not None
            and instance is not None
            and hasattr(instance, "tenant_id")
            and instance.tenant_id is None
        ):
            instance.tenant = self.tenant

    def full_clean(self) -> None:
        guard_fields(self.fields)  # here, not in __init__: subclasses add fields after it
        super().full_clean()  # type: ignore[misc]
        if self.refusal is not None and getattr(self, "is_bound", False):
            self._refuse(self.refusal)

    def _refuse(self, refusal: ValidationError) -> None:
        """Add what the lost race said, unless the form already says something there (when
        validating again finds the other request's row, it finds the same duplicate)."""
        errors = self.errors  # type: ignore[attr-defined]
        if hasattr(refusal, "error_dict"):
            by_field = refusal.error_dict
        else:
            by_field = {NON_FIELD_ERRORS: refusal.error_list}
        for field, messages in by_field.items():
            target = field if field in self.fields else NON_FIELD_ERRORS
            if target not in errors:
                self.add_error(None if target == NON_FIELD_ERRORS else target, messages)  # type: ignore[attr-defined]


class Form(FormMixin, forms.Form):
    """The base of the product's plain forms."""


class ModelForm(FormMixin, forms.ModelForm):
    """The base of the product's model forms."""


def guarded(form_class: type[FormT], **attrs: Any) -> type[FormT]:
    """`form_class` with `FormMixin` (if it lacks it) and `attrs` (`tenant`, `submit_once`,
    `refusal`): how
    `TenantModelAdmin` gives every admin form the product's checks."""
    bases = (form_class,) if issubclass(form_class, FormMixin) else (FormMixin, form_class)
    metaclass: Any = type(form_class)  # Django's form metaclass collects the fields
    return cast(
        "type[FormT]",
        metaclass(form_class.__name__, bases, {"__module__": form_class.__module__, **attrs}),
    )
