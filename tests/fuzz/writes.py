"""Which tables a request wrote to, read from PostgreSQL's own counters.

`pg_stat_xact_user_tables` counts the rows inserted, updated and deleted by the current
transaction, table by table, including those of savepoints rolled back since (PostgreSQL counts
attempted writes). A test runs in one transaction, and the fuzzer runs each request inside a
savepoint it rolls back, so reading the counters before and after a request names every table
the request wrote to, whatever app owns it, without knowing any model.
"""

from django.db import connection

#: tables a request may write to whatever it is answered: they are not the product's data
IGNORED_TABLES: dict[str, str] = {
    # Django's database sessions: a request may save its session (messages, allauth's state).
    "django_session": "the visitor's session",
    # The database cache (settings.CACHES): allauth's rate limits count failed attempts here,
    # which is the point of a rate limit, refused request or not.
    "prm_cache": "the cache",
    # One-time form tokens (prm.submissions): a create form's token is claimed before its view
    # runs and the claim is deleted again when the form comes back with errors.
    "submissions_submission": "a one-time form token's claim, released when the form is refused",
}

_QUERY = """
    SELECT relname, n_tup_ins + n_tup_upd + n_tup_del
    FROM pg_stat_xact_user_tables
    WHERE n_tup_ins + n_tup_upd + n_tup_del > 0
"""


def write_counts() -> dict[str, int]:
    """Rows written so far in this transaction, by table (tables without writes left out)."""
    with connection.cursor() as cursor:
        cursor.execute(_QUERY)
        return {name: count for name, count in cursor.fetchall() if name not in IGNORED_TABLES}


def written_between(before: dict[str, int], after: dict[str, int]) -> list[str]:
    """The tables written to between two `write_counts()`."""
    return sorted(name for name, count in after.items() if count > before.get(name, 0))
