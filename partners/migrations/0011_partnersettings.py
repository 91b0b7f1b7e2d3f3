"""The partner-program settings move from the tenant to PartnerSettings, one row per tenant.

Each tenant's tier demotion grace period and agreement requirement are copied before tenancy's
migration removes the two fields (`run_before`: the edge lives here because the core never
names the partners app). Reversed, the values go back onto the tenant once tenancy has
restored its fields.
"""

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


def copy_from_tenants(apps, schema_editor):
    Tenant = apps.get_model("tenancy", "Tenant")
    PartnerSettings = apps.get_model("partners", "PartnerSettings")
    PartnerSettings.objects.bulk_create(
        PartnerSettings(
            tenant_id=tenant.pk,
            tier_demotion_grace_days=tenant.tier_demotion_grace_days,
            require_agreement=tenant.require_agreement,
        )
        for tenant in Tenant.objects.only("tier_demotion_grace_days", "require_agreement")
    )


def copy_to_tenants(apps, schema_editor):
    Tenant = apps.get_model("tenancy", "Tenant")
    PartnerSettings = apps.get_model("partners", "PartnerSettings")
    for row in PartnerSettings.objects.all():
        Tenant.objects.filter(pk=row.tenant_id).update(
            tier_demotion_grace_days=row.tier_demotion_grace_days,
            require_agreement=row.require_agreement,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0010_onboard"),
        # The fields copied from: the tenant has them until tenancy's 0005 runs.
        ("tenancy", "0004_tenant_require_agreement"),
    ]
    run_before = [
        ("tenancy", "0005_remove_tenant_partner_program_settings"),
    ]

    operations = [
        migrations.CreateModel(
            name="PartnerSettings",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "tier_demotion_grace_days",
                    models.PositiveSmallIntegerField(
                        default=30,
                        help_text="How long a partner may stay below its tier's requirements before a demotion is proposed.",
                        validators=[django.core.validators.MaxValueValidator(365)],
                        verbose_name="tier demotion grace period (days)",
                    ),
                ),
                (
                    "require_agreement",
                    models.BooleanField(
                        default=False,
                        help_text="Partners must accept the current agreement before registering deals and requesting market development funds.",
                        verbose_name="require an accepted partner agreement",
                    ),
                ),
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
                "verbose_name": "partner program settings",
                "verbose_name_plural": "partner program settings",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("tenant",), name="partnersettings_one_per_tenant"
                    )
                ],
            },
        ),
        migrations.RunPython(copy_from_tenants, copy_to_tenants),
    ]
