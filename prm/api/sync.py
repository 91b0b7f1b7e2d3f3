"""`updated_at` for incremental sync, kept by PostgreSQL rather than by `save()`.

Services write with `save(update_fields=...)`, `QuerySet.update()` and `bulk_update`, none of
which `auto_now` sees. A trigger sees them all: every INSERT, and every UPDATE that changes the
row, sets `updated_at` to the clock (`clock_timestamp()`, not the transaction's start, so a long
transaction's rows do not land far behind a client's sync position). An app's model declares

    updated_at = sync.updated_at_field()

and its migration adds the trigger with `sync.touch_trigger("deals_deal")` (after the field).
"""

from django.db import migrations, models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

FUNCTION = """
CREATE OR REPLACE FUNCTION prm_touch_updated_at() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW IS DISTINCT FROM OLD THEN
        NEW.updated_at := clock_timestamp();
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""


def updated_at_field() -> models.DateTimeField:
    # db_default: the column is filled (and read back with RETURNING) by the database.
    return models.DateTimeField(_("updated"), db_default=Now(), editable=False)


def touch_function() -> migrations.RunSQL:
    return migrations.RunSQL(FUNCTION, "DROP FUNCTION IF EXISTS prm_touch_updated_at() CASCADE")


def touch_trigger(table: str) -> migrations.RunSQL:
    return migrations.RunSQL(
        f"CREATE TRIGGER {table}_touch BEFORE INSERT OR UPDATE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION prm_touch_updated_at()",
        f"DROP TRIGGER IF EXISTS {table}_touch ON {table}",
    )
