"""Registration numbers per tenant: DR-000001 is each vendor's first registration.

Until now a reference was the row's id, counted across every tenant of the platform. Existing
registrations are numbered per tenant in the order they were made (by id), each tenant's counter
starts after its last number, and from then on the database numbers every new registration
(`DealCounter`'s docstring says how).
"""

import django.db.models.deletion
from django.db import migrations, models

NUMBER_EXISTING = """
UPDATE deals_deal AS d SET number = n.number
FROM (
    SELECT id, row_number() OVER (PARTITION BY tenant_id ORDER BY id) AS number FROM deals_deal
) AS n
WHERE d.id = n.id;
INSERT INTO deals_dealcounter (tenant_id, last_number)
SELECT tenant_id, max(number) FROM deals_deal GROUP BY tenant_id;
"""

# The counter row is taken with INSERT ... ON CONFLICT DO UPDATE: atomic under concurrency (the
# second of two registrations waits for the first one's transaction, then counts on from its
# number), and it creates the row of a tenant's first registration.
TRIGGER = """
CREATE FUNCTION deals_deal_number() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.number IS NULL OR NEW.number = 0 THEN
        INSERT INTO deals_dealcounter AS c (tenant_id, last_number) VALUES (NEW.tenant_id, 1)
        ON CONFLICT (tenant_id) DO UPDATE SET last_number = c.last_number + 1
        RETURNING c.last_number INTO NEW.number;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER deals_deal_number BEFORE INSERT ON deals_deal
FOR EACH ROW EXECUTE FUNCTION deals_deal_number();
"""

DROP_TRIGGER = """
DROP TRIGGER IF EXISTS deals_deal_number ON deals_deal;
DROP FUNCTION IF EXISTS deals_deal_number();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("deals", "0004_dealsettings_on_partner_exit"),
        ("tenancy", "0005_remove_tenant_partner_program_settings"),
    ]

    operations = [
        migrations.CreateModel(
            name="DealCounter",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("last_number", models.PositiveIntegerField(default=0)),
                (
                    "tenant",
                    models.ForeignKey(
                        editable=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="tenancy.tenant",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("tenant",), name="dealcounter_one_per_tenant")
                ],
            },
        ),
        migrations.AddField(
            model_name="deal",
            name="number",
            field=models.PositiveIntegerField(db_default=0, editable=False, verbose_name="number"),
        ),
        migrations.RunSQL(NUMBER_EXISTING, migrations.RunSQL.noop),
        migrations.AddConstraint(
            model_name="deal",
            constraint=models.UniqueConstraint(
                fields=("tenant", "number"), name="deal_number_unique_in_tenant"
            ),
        ),
        migrations.RunSQL(TRIGGER, DROP_TRIGGER),
    ]
