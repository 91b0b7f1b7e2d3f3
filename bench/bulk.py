"""Bulk loading with PostgreSQL COPY: rows as dicts keyed by attname, ids reserved in advance."""

from collections.abc import Iterable
from typing import Any

from django.db import connection, models
from django.utils import timezone


def reserve_ids(model: type[models.Model], n: int) -> int:
    """Take `n` ids from the table's identity sequence; returns the first."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [table])  # the first id
        first = cursor.fetchone()[0]
        if n > 1:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, first + n - 1]
            )
    return int(first)


def _column_defaults(model: type[models.Model]) -> dict[str, Any]:
    now = timezone.now()
    defaults: dict[str, Any] = {}
    for f in model._meta.concrete_fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults[f.attname] = now
        elif f.has_default():
            defaults[f.attname] = f.get_default()
        elif f.null:
            defaults[f.attname] = None
        elif isinstance(f, models.CharField | models.TextField | models.FileField) and f.blank:
            defaults[f.attname] = ""
    return defaults


def copy_rows(
    model: type[models.Model], rows: Iterable[dict[str, Any]], *, with_id: bool = True
) -> int:
    """COPY `rows` into the model's table; a missing column takes the field's default, and a
    column the database fills (`db_default`, such as a registration's number) is left to it.

    Every constraint, index and trigger of the table stays in place (as in production): the load
    pays for index maintenance like real traffic would.
    """
    fields = [
        f
        for f in model._meta.concrete_fields
        if (with_id or not f.primary_key) and not f.has_db_default()
    ]
    defaults = _column_defaults(model)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    n = 0
    connection.ensure_connection()
    with (
        connection.connection.cursor() as cursor,  # the raw psycopg cursor: COPY
        cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            values = []
            for f in fields:
                if f.attname in row:
                    values.append(row[f.attname])
                elif f.attname in defaults:
                    values.append(defaults[f.attname])
                else:
                    raise KeyError(f"{model.__name__}.{f.attname} has no value")
            copy.write_row(values)
            n += 1
    return n
