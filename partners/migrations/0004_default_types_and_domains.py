"""Existing tenants get the default partner types; existing partners their normalized domain."""

from django.db import migrations

from prm.normalize import registered_domain

DEFAULT_TYPES = ["Reseller", "Referral", "Systems integrator", "Agency", "Affiliate"]


def forwards(apps, schema_editor):
    Tenant = apps.get_model("tenancy", "Tenant")
    PartnerType = apps.get_model("partners", "PartnerType")
    Partner = apps.get_model("partners", "Partner")
    PartnerType.objects.bulk_create(
        [PartnerType(tenant=t, name=n) for t in Tenant.objects.all() for n in DEFAULT_TYPES],
        ignore_conflicts=True,
    )
    for partner in Partner.objects.exclude(website=""):
        Partner.objects.filter(pk=partner.pk).update(domain=registered_domain(partner.website))


class Migration(migrations.Migration):
    dependencies = [("partners", "0003_partner_profile_and_types")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
