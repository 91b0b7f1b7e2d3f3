"""The partners app's demo data: partner companies and their users."""

from prm.tenancy import demo
from prm.tenancy.models import Tenant
from prm.tenancy.roles import Role

from .models import Partner

#: tenant slug -> [(company, website, [(email, full name, role)])]
DEMO_PARTNERS = {
    "acme": [
        (
            "Northwind Solutions",
            "https://northwind.example",
            [
                ("admin@northwind.test", "Nora North", Role.PARTNER_ADMIN),
                ("rep@northwind.test", "Ned Rep", Role.PARTNER_REP),
                ("multi@partners.test", "Morgan Multi", Role.PARTNER_REP),
            ],
        ),
        (
            "Contoso Systems",
            "https://contoso.example",
            [
                ("admin@contoso.test", "Cora Contoso", Role.PARTNER_ADMIN),
                ("rep@contoso.test", "Carl Rep", Role.PARTNER_REP),
            ],
        ),
        (
            "Fabrikam Digital",
            "https://fabrikam.example",
            [("admin@fabrikam.test", "Fay Fabrikam", Role.PARTNER_ADMIN)],
        ),
    ],
    "globex": [
        (
            "Initech",
            "https://initech.example",
            [
                ("admin@initech.test", "Ivan Initech", Role.PARTNER_ADMIN),
                ("rep@initech.test", "Iris Rep", Role.PARTNER_REP),
                ("multi@partners.test", "Morgan Multi", Role.PARTNER_REP),
            ],
        ),
        (
            "Umbrella IT",
            "https://umbrella.example",
            [("admin@umbrella.test", "Uma Umbrella", Role.PARTNER_ADMIN)],
        ),
    ],
}


def seed_partners(tenant: Tenant) -> None:
    for name, website, users in DEMO_PARTNERS.get(tenant.slug, []):
        partner, _ = Partner.objects.update_or_create(
            tenant=tenant,
            name=name,
            defaults={"website": website, "status": Partner.Status.ACTIVE},
        )
        for email, full_name, role in users:
            demo.ensure_membership(tenant, demo.ensure_user(email, full_name), role, partner)
