"""The seeded demo for browser journeys, seeded once per test process.

`manage.py seed_demo` takes about 20 s (a year of history in two tenants, the alert sweeps over
it), and every browser journey starts from it on a database that the journey before flushed.
`seeded_demo()` seeds for the first journey of a process and keeps every table's rows (binary
COPY, in memory); each later journey gets the same rows back in about a second: the tables
emptied, the rows copied in with triggers and foreign-key checks off (the rows are consistent as
a whole, not in any one table order; the registration-number trigger must not renumber them),
the sequences moved past the restored ids, Django's content-type cache cleared (the flush's
post-migrate recreated content types under other ids).

Only for tests whose database is flushed after them (`live_server`): the restore empties every
table first, which inside a rolled-back test would only be undone by the rollback.
"""

import os
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection

#: each table's rows as the first journey of this process seeded them: (table, binary COPY)
_snapshot: list[tuple[str, bytes]] | None = None


def seeded_demo() -> None:
    """The demo tenants, users and history in the database: seeded by the first call of the
    process, restored from its rows by the others."""
    global _snapshot
    if _snapshot is None:
        # from an empty database, whatever the test before left (the shared worlds are committed
        # before the first test that flushes): every journey then starts from the same rows
        call_command("flush", interactive=False, verbosity=0)
        call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        _snapshot = _dump()
    else:
        _restore(_snapshot)


def _tables() -> list[str]:
    # every table of the schema but Django's record of migrations, which the flush keeps
    return sorted(t for t in connection.introspection.table_names() if t != "django_migrations")


def _quoted(table: str) -> str:
    return connection.ops.quote_name(table)


def _dump() -> list[tuple[str, bytes]]:
    found = []
    with connection.cursor() as cursor:
        raw: Any = cursor.cursor  # psycopg's own cursor, for COPY
        for table in _tables():
            with raw.copy(f"COPY {_quoted(table)} TO STDOUT (FORMAT BINARY)") as copy:
                found.append((table, b"".join(bytes(chunk) for chunk in copy)))
    return found


def _restore(snapshot: list[tuple[str, bytes]]) -> None:
    with connection.cursor() as cursor:
        raw: Any = cursor.cursor
        raw.execute("SET session_replication_role = replica")
        try:
            raw.execute("TRUNCATE " + ", ".join(_quoted(t) for t, _rows in snapshot))
            for table, rows in snapshot:
                with raw.copy(f"COPY {_quoted(table)} FROM STDIN (FORMAT BINARY)") as copy:
                    copy.write(rows)
        finally:
            raw.execute("SET session_replication_role = DEFAULT")
        models = apps.get_models(include_auto_created=True)
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            raw.execute(statement)
    ContentType.objects.clear_cache()
