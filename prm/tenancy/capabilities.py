"""The one registry from role to named capabilities.

Views declare the capability they need with `prm.tenancy.decorators.requires`; the admin UI's
model admins declare theirs per action (`TenantModelAdmin.capabilities`).
"""

from .roles import Role

#: capability -> one-line description (a reader can list every capability here)
CAPABILITIES: dict[str, str] = {
    "account.self": "Use one's own account pages: security, two-factor, other portals.",
    "portal.access": "Use the partner portal.",
    "portal.team.manage": "Invite and manage the users of one's own partner company.",
    "portal.agreement.accept": "Accept the partner agreement for one's own company.",
    "portal.plan.edit": "Create and change one's own company's joint business plans.",
    "admin.access": "Enter the vendor admin UI.",
    "tenant.settings.change": "Change the tenant's branding and settings.",
    "members.view": "See the tenant's memberships and invitations.",
    "members.staff.invite": "Invite vendor staff and change or deactivate any membership.",
    "members.partner.invite": "Invite users of any partner company.",
    "partners.view": "See partner companies (a CAM: only the partners assigned to them).",
    "partners.view_all": "See every partner company of the program.",
    "partners.manage": "Create and change partner companies.",
    "partners.assign": "Assign channel account managers to partner companies.",
    "partners.recruit": "Review partner applications (approve, decline) and set up recruitment.",
    "partners.plan.edit": "Create and change the joint business plans of the partners one sees.",
    "partners.onboarding.tick": "Tick manual onboarding steps of the partners one sees.",
    "portal.deals": "Register and work one's own deals and answer one's company's leads.",
    "portal.deals.company": "See and work every deal of one's own company (partner admins).",
    "deals.view": "See deal registrations and leads (a CAM: of the partners assigned to them).",
    "deals.approve": "Decide the registrations and extension requests of the partners one sees.",
    "deals.leads": "Create leads and assign them to the partners one sees.",
    "deals.manage": "Set the rules of engagement, products and rejection reasons; import "
    "protected accounts.",
    "audit.view": "Read the audit log.",
}

_STAFF = {
    "account.self",
    "admin.access",
    "members.view",
    "partners.view",
    "partners.plan.edit",
    "partners.onboarding.tick",
    "deals.view",
    "deals.approve",
    "deals.leads",
}

ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.PROGRAM_LEADER: frozenset(
        _STAFF
        | {
            "tenant.settings.change",
            "members.staff.invite",
            "members.partner.invite",
            "partners.view_all",
            "partners.manage",
            "partners.assign",
            "partners.recruit",
            "deals.manage",
            "audit.view",
        }
    ),
    Role.PARTNER_OPS: frozenset(
        _STAFF
        | {
            "tenant.settings.change",
            "members.partner.invite",
            "partners.view_all",
            "partners.manage",
            "partners.assign",
            "partners.recruit",
            "deals.manage",
            "audit.view",
        }
    ),
    Role.CAM: frozenset(_STAFF),
    Role.PARTNER_ADMIN: frozenset(
        {
            "account.self",
            "portal.access",
            "portal.team.manage",
            "portal.agreement.accept",
            "portal.plan.edit",
            "portal.deals",
            "portal.deals.company",
        }
    ),
    Role.PARTNER_REP: frozenset({"account.self", "portal.access", "portal.deals"}),
}

for _role, _caps in ROLE_CAPABILITIES.items():
    _unknown = _caps - CAPABILITIES.keys()
    assert not _unknown, f"{_role} names unknown capabilities {_unknown}"


def role_has(role: str, capability: str) -> bool:
    return capability in ROLE_CAPABILITIES.get(role, frozenset())
