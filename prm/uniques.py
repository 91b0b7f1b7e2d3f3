"""Unique constraints as errors beside a field: checked before saving, and mapped when the race
is lost in the database.

Every unique constraint of a tenant-owned model names `tenant` (the style guide asks for it),
and no form shows `tenant`: Django's ModelForm leaves such constraints out of its checks, so a
duplicate name used to come back from the database as a server error. And two people sending
the same name at the same moment both pass any check made before saving; only the database sees
the second. This module is the one place that knows what a unique constraint means to a person:

- `Unique`: one constraint (a `UniqueConstraint`, a `unique=True` field or a `unique_together`)
  with the fields it compares, the field its error is shown beside (the last one a person
  chooses: `tenant` is set by the code) and its message, the one Django words for unique fields
  ("Partner type with this Name already exists.", translated by Django's own catalogue) unless
  the constraint declares a `violation_error_message`.
- `validate_constraints(instance, exclude)`: the check before saving, which
  `TenantOwned.validate_constraints` calls, so that every ModelForm (admin or portal) and every
  `full_clean()` runs it. It checks a constraint naming `tenant` once the instance has its tenant
  (the admin and the portal forms set it before validating), even though the form leaves `tenant`
  out; each error goes beside its field.
- `duplicate_error(exc)`: the `ValidationError` (same message, same field) for an
  `IntegrityError` raised by a unique constraint, found by the constraint's name; None for any
  other error. The admin (`prm.admin_forms`), `prm.forms.form_call` and services use it.
- `refusing_duplicates()`: a savepoint around a service's writes that turns a lost race into
  that `ValidationError`, so a view puts it beside the field (`prm.forms.errors_to_form`).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any, cast

from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import IntegrityError, connections, router, transaction
from django.db.models import F, Field, Model, Q, UniqueConstraint
from django.db.models.constants import LOOKUP_SEP
from django.utils.text import capfirst, get_text_list
from django.utils.translation import gettext as _

#: the field the code sets on every tenant-owned row, never a person
TENANT = "tenant"
#: PostgreSQL's SQLSTATE for unique_violation
UNIQUE_VIOLATION = "23505"


@dataclass(frozen=True)
class Unique:
    """One unique constraint of `model`, as a person filling in a form meets it."""

    model: type[Model]
    #: its name in the database (None until looked up, for unique fields and unique_together,
    #: whose names Django derives when it creates them)
    name: str | None
    #: a `UniqueConstraint` that checks it (made up for unique fields and unique_together)
    constraint: UniqueConstraint
    #: the model fields it compares (named, or inside its expressions)
    fields: tuple[str, ...]
    #: the model fields its condition reads (a partial constraint)
    condition_fields: tuple[str, ...] = ()

    @property
    def chosen(self) -> tuple[str, ...]:
        """The fields a person chooses: those compared but the tenant; for a constraint that
        compares only the tenant ("one default plan"), those its condition reads."""
        return tuple(f for f in self.fields if f != TENANT) or tuple(
            f for f in self.condition_fields if f != TENANT
        )

    @property
    def field(self) -> str:
        """Where the error is shown: beside the last field a person chooses, else on top."""
        return self.chosen[-1] if self.chosen else NON_FIELD_ERRORS

    def message(self) -> str:
        constraint = self.constraint
        if constraint.violation_error_message != constraint.default_violation_error_message:
            return str(constraint.get_violation_error_message())
        opts = self.model._meta
        labels = [_label(self.model, f) for f in self.chosen or self.fields]
        if len(labels) == 1:
            # Django's own wording (and translations) for a unique field.
            return _("%(model_name)s with this %(field_label)s already exists.") % {
                "model_name": capfirst(opts.verbose_name),
                "field_label": labels[0],
            }
        return _("%(model_name)s with this %(field_labels)s already exists.") % {
            "model_name": capfirst(opts.verbose_name),
            "field_labels": get_text_list(labels, _("and")),
        }

    def error(self) -> ValidationError:
        """The error of a duplicate, by field."""
        return ValidationError({self.field: [ValidationError(self.message(), code="unique")]})


def _label(model: type[Model], name: str) -> str:
    return str(capfirst(cast(Field, model._meta.get_field(name)).verbose_name))


def _field_name(model: type[Model], reference: str) -> str | None:
    try:
        return model._meta.get_field(reference.split(LOOKUP_SEP)[0]).name
    except FieldDoesNotExist:
        return None


def _references(model: type[Model], expression: Any) -> Iterator[str]:
    """The model fields an expression, a condition or a field name refers to."""
    if isinstance(expression, str):
        name = _field_name(model, expression)
        if name:
            yield name
    elif isinstance(expression, F):
        yield from _references(model, expression.name)
    elif isinstance(expression, Q):
        for child in expression.children:
            if isinstance(child, tuple):  # (lookup, value): a value is data unless an expression
                yield from _references(model, child[0])
                if not isinstance(child[1], str):
                    yield from _references(model, child[1])
            else:
                yield from _references(model, child)
    elif hasattr(expression, "get_source_expressions"):
        for source in expression.get_source_expressions():
            yield from _references(model, source)


def _unique(model: type[Model], constraint: UniqueConstraint, name: str | None) -> Unique:
    def referenced(*parts: Any) -> tuple[str, ...]:
        found: list[str] = []
        for part in parts:
            found += [r for r in _references(model, part) if r not in found]
        return tuple(found)

    compared = referenced(*constraint.fields, *constraint.expressions)
    read = referenced(constraint.condition) if constraint.condition else ()
    return Unique(
        model=model,
        name=name,
        constraint=constraint,
        fields=compared,
        condition_fields=tuple(f for f in read if f not in compared),
    )


@cache
def uniques_of(model: type[Model]) -> tuple[Unique, ...]:
    """Every unique constraint of `model` (its concrete fields' `unique=True` but the primary
    key, its `unique_together`, its `UniqueConstraint`s)."""
    opts = model._meta
    found = [
        _unique(model, UniqueConstraint(fields=[f.name], name=f"{f.name}_unique"), None)
        for f in opts.concrete_fields
        if f.unique and not f.primary_key
    ]
    found += [
        _unique(model, UniqueConstraint(fields=list(names), name="_".join(names)), None)
        for names in opts.unique_together
    ]
    found += [
        _unique(model, c, c.name) for c in opts.constraints if isinstance(c, UniqueConstraint)
    ]
    return tuple(found)


def validate_constraints(instance: Model, exclude: Any = None) -> None:
    """Check `instance` against its model's constraints; raise `ValidationError` by field.

    Django's `Model.validate_constraints`, but a unique constraint's error is `Unique.error()`
    (beside the field, worded as for a unique field), and `tenant` is never left out once the
    instance has it: a form leaves it out because it does not show it, not because it may
    change. A constraint naming any other field in `exclude` (not on the form, or already in
    error) is skipped, as Django does.
    """
    exclude = set(exclude or ())
    if getattr(instance, f"{TENANT}_id", None) is not None:
        exclude.discard(TENANT)
    using = router.db_for_write(type(instance), instance=instance)
    errors: dict[str, list[ValidationError]] = {}
    for model_class, constraints in instance.get_constraints():
        uniques = {u.name: u for u in uniques_of(model_class)}
        for constraint in constraints:
            try:
                constraint.validate(  # type: ignore[attr-defined]
                    model_class, instance, exclude=exclude, using=using
                )
            except ValidationError as refused:
                # A unique constraint's error is worded as for a unique field; any other
                # constraint's (a check) is its own `violation_error_message`.
                exc = (
                    uniques[constraint.name].error()
                    if isinstance(constraint, UniqueConstraint)
                    else refused
                )
                errors = exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


@cache
def _by_name() -> dict[str, Unique]:
    return {u.name: u for model in apps.get_models() for u in uniques_of(model) if u.name}


@cache
def _by_table() -> dict[str, type[Model]]:
    return {model._meta.db_table: model for model in apps.get_models()}


def _introspected(table: str, name: str, using: str) -> Unique | None:
    """A unique field's or unique_together's constraint, by the columns the database lists for
    `name` (Django derives those names; only the database knows them)."""
    model = _by_table().get(table)
    if model is None:
        return None
    connection = connections[using]
    with connection.cursor() as cursor:
        described = connection.introspection.get_constraints(cursor, table).get(name)
    if not described:
        return None
    columns = set(described["columns"] or ())
    for unique in uniques_of(model):
        if (
            unique.name is None
            and {cast(Field, model._meta.get_field(f)).column for f in unique.fields} == columns
        ):
            return unique
    return None


def unique_violated(exc: IntegrityError, using: str = "default") -> Unique | None:
    """The unique constraint whose violation raised `exc`, or None for any other error.

    Call it after the failed transaction or savepoint was rolled back (outside its `atomic`):
    a unique field's constraint is looked up in the database's catalogue.
    """
    cause = exc.__cause__
    diag = getattr(cause, "diag", None)
    if diag is None or getattr(cause, "sqlstate", None) != UNIQUE_VIOLATION:
        return None
    name = diag.constraint_name or ""
    return _by_name().get(name) or _introspected(diag.table_name or "", name, using)


def duplicate_error(exc: IntegrityError, using: str = "default") -> ValidationError | None:
    """The form error of a unique constraint violated in the database (the same message and
    field as `validate_constraints` gives before saving); None for any other error."""
    unique = unique_violated(exc, using)
    return unique.error() if unique else None


@contextmanager
def refusing_duplicates(using: str = "default") -> Iterator[None]:
    """Run a service's writes in a savepoint; a unique constraint they violate (another request
    won the race) raises `ValidationError` by field instead, and nothing of them is kept.

        with refusing_duplicates():
            Invitation.objects.create(...)
    """
    try:
        with transaction.atomic(using=using):
            yield
    except IntegrityError as exc:
        error = duplicate_error(exc, using)
        if error is None:
            raise
        raise error from exc
