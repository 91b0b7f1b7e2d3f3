# The API's incremental sync: updated_at on registrations, leads and protected accounts.

import django.db.models.functions.datetime
from django.db import migrations, models

from prm.api.sync import touch_trigger


class Migration(migrations.Migration):
    dependencies = [
        ("deals", "0010_partner_submitted_index"),
        # prm_touch_updated_at(), the function the triggers call
        ("api", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="deal",
            name="updated_at",
            field=models.DateTimeField(
                db_default=django.db.models.functions.datetime.Now(),
                editable=False,
                verbose_name="updated",
            ),
        ),
        migrations.AddField(
            model_name="lead",
            name="updated_at",
            field=models.DateTimeField(
                db_default=django.db.models.functions.datetime.Now(),
                editable=False,
                verbose_name="updated",
            ),
        ),
        migrations.AddField(
            model_name="protectedaccount",
            name="updated_at",
            field=models.DateTimeField(
                db_default=django.db.models.functions.datetime.Now(),
                editable=False,
                verbose_name="updated",
            ),
        ),
        migrations.AddIndex(
            model_name="deal",
            index=models.Index(fields=["tenant", "updated_at", "id"], name="deal_sync_idx"),
        ),
        migrations.AddIndex(
            model_name="lead",
            index=models.Index(fields=["tenant", "updated_at", "id"], name="lead_sync_idx"),
        ),
        migrations.AddIndex(
            model_name="protectedaccount",
            index=models.Index(fields=["tenant", "updated_at", "id"], name="protacct_sync_idx"),
        ),
        # updated_at kept by PostgreSQL on every INSERT and UPDATE (prm.api.sync).
        touch_trigger("deals_deal"),
        touch_trigger("deals_lead"),
        touch_trigger("deals_protectedaccount"),
    ]
