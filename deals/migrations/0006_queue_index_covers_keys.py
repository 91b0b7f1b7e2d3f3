"""The CAM queue's index also holds the registration's id: a page's keys come from it alone."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("deals", "0005_per_tenant_numbers"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="deal",
            name="deal_status_partner_idx",
        ),
        migrations.AddIndex(
            model_name="deal",
            index=models.Index(
                fields=["tenant", "status", "partner"],
                include=("sla_due_at", "id"),
                name="deal_status_partner_cover",
            ),
        ),
    ]
