"""Reading ids, text and list filters from what a visitor sends: a refusal, never a 500.

Whatever a URL carries was typed by someone, or by a script. Three rules, kept here once:

- **An id** is ASCII digits that fit PostgreSQL's `bigint`: `parse_id`, and `IdField` for forms.
  `str.isdigit()` is not the test: `"²".isdigit()` is true and `int("²")` fails, while `int("٣")`
  is 3 (Arabic-Indic digits), so a check and a parse that disagree answer 500.
- **Text** never carries NUL: PostgreSQL refuses it in any text parameter, and the refusal aborts
  the request's transaction, not just the query (`has_nul`).
- **A list filter's value is checked before its query runs.**
  - Staff lists: `SafeChangeList` is the changelist of every `TenantModelAdmin` (through
    `CheckedInputAdmin`, its base, which also checks the ids an admin action is sent, and an
    empty `?_to_field=`, which Django's `get_object` takes for a field named ""). It answers a
    value no filter can use as Django answers an unknown lookup (`IncorrectLookupParameters`:
    the list again, flagged `?e=1`; a CSV export redirects there too), whether the value holds
    NUL, is a date-hierarchy year at the edge of the calendar, or is refused by a filter's own
    `queryset()` (a custom `SimpleListFilter` comparing `partner_id` with `"x"`). Django already
    does the last for its field filters; this extends it to the filters an app writes.
  - Portal lists and pages: bind the query string to a `QueryForm`; a value its field refuses
    is left out (the page without that filter), the others still apply.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from prm.forms import Form

#: the largest value of PostgreSQL's `bigint`, the type of every primary key here
BIGINT_MAX = 2**63 - 1


def parse_id(value: object) -> int | None:
    """The database id written in `value`, or None when it is not one.

    Only ASCII digits, 1 to `BIGINT_MAX`: no sign, no spaces, no Unicode digits ("²", "٣"),
    nothing PostgreSQL would refuse to compare with a key.
    """
    if not isinstance(value, str) or not 0 < len(value) <= len(str(BIGINT_MAX)):
        return None
    if not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if 0 < number <= BIGINT_MAX else None


def parse_key(model: type[models.Model], value: str) -> Any:
    """The primary key of `model` written in `value`, or None when it is not one."""
    pk = model._meta.pk
    if isinstance(pk, models.IntegerField):  # AutoField and BigAutoField too
        return parse_id(value)
    if pk is None or has_nul(value):
        return None
    try:
        return pk.to_python(value)
    except ValidationError:
        return None


def has_nul(value: str) -> bool:
    """Whether PostgreSQL would refuse `value` as text (and abort the transaction)."""
    return "\x00" in value


class IdField(forms.Field):
    """A form field for a database id in a query string or a form (see `parse_id`)."""

    default_error_messages = {"invalid": _("Enter a valid reference.")}

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        number = parse_id(str(value))
        if number is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class QueryForm(Form):
    """The filters of a page, read from its query string: `QueryForm(request.GET).values()`.

    Every field is optional; a value its field refuses (NUL in text, which Django's `CharField`
    refuses, an id that is not one, a choice that does not exist) is left out, so the page shows
    what it would without that filter, and the other filters still apply.
    """

    def __init__(self, query: QueryDict) -> None:
        super().__init__(query)
        for field in self.fields.values():
            field.required = False

    def values(self) -> dict[str, Any]:
        """Each field's clean value; the field's empty value where the query's was refused."""
        self.is_valid()
        return {
            name: self.cleaned_data[name] if name in self.cleaned_data else field.to_python(None)
            for name, field in self.fields.items()
        }


class SafeChangeList(ChangeList):
    """Django's changelist, answering a filter value it cannot use as an invalid lookup.

    Every `TenantModelAdmin` has it (`CheckedInputAdmin.get_changelist`); see the module
    docstring. An admin with a changelist of its own derives it from this one.
    """

    def get_filters(self, request: HttpRequest) -> Any:
        for key, values in self.get_filters_params().items():
            if has_nul(key) or any(has_nul(v) for v in values):
                raise IncorrectLookupParameters(f"NUL in the filter {key!r}")
        try:
            found = super().get_filters(request)
        except (ValueError, OverflowError) as exc:
            # The date hierarchy's year 9999 has no following year to end its range.
            raise IncorrectLookupParameters(exc) from exc
        for spec in found[0]:
            _refuse_bad_values(spec)
        return found


def _refuse_bad_values(spec: Any) -> None:
    """Make a list filter's `queryset()` raise `IncorrectLookupParameters` where its value is
    of the wrong type, as Django's own field filters do (`FieldListFilter.queryset`)."""
    narrow = spec.queryset

    def queryset(request: HttpRequest, queryset: Any) -> Any:
        try:
            return narrow(request, queryset)
        except (ValueError, ValidationError) as exc:
            raise IncorrectLookupParameters(exc) from exc

    spec.queryset = queryset


class CheckedInputAdmin(admin.ModelAdmin):
    """A model admin that checks what its pages are sent before it reaches a query.

    The base of `TenantModelAdmin`: its changelist is a `SafeChangeList`, an admin action's
    selected ids must be keys (Django filters `pk__in` with them as sent, and "x" raises), and an
    empty `_to_field` means none (Django's `get_object` looks up a field named "").
    """

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[SafeChangeList]:
        return SafeChangeList

    def get_object(self, request: HttpRequest, object_id: str, from_field: Any = None) -> Any:
        return super().get_object(request, object_id, from_field or None)

    def response_action(self, request: HttpRequest, queryset: Any) -> HttpResponse | None:
        selected = request.POST.getlist(ACTION_CHECKBOX_NAME)
        if any(parse_key(self.model, value) is None for value in selected):
            message = gettext("The selection holds an item that does not exist. Nothing changed.")
            self.message_user(request, message, messages.ERROR)
            return None  # the changelist sends the visitor back to the list
        return super().response_action(request, queryset)
