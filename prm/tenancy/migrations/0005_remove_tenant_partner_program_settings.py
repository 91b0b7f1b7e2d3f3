"""The partner-program settings leave the tenant: they are `partners.PartnerSettings` now.

partners' migration 0011_partnersettings copies each tenant's values first: it declares
`run_before` this one, so that the core never names the partners app.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("tenancy", "0004_tenant_require_agreement"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="tenant",
            name="require_agreement",
        ),
        migrations.RemoveField(
            model_name="tenant",
            name="tier_demotion_grace_days",
        ),
    ]
