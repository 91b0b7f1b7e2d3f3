"""The capabilities deal registration adds, and which roles hold them (registered in apps.py)."""

from prm.tenancy.roles import Role

CAPABILITIES = {
    "portal.deals": "Register and work one's own deals and answer one's company's leads.",
    "portal.deals.company": "See and work every deal of one's own company (partner admins).",
    "deals.view": "See deal registrations and leads (a CAM: of the partners assigned to them).",
    "deals.approve": "Decide the registrations and extension requests of the partners one sees.",
    "deals.leads": "Create leads and assign them to the partners one sees.",
    "deals.manage": "Set the rules of engagement, products and rejection reasons; import "
    "protected accounts.",
}

_DECIDERS = ["deals.view", "deals.approve", "deals.leads"]

ROLES: dict[str, list[str]] = {
    Role.PROGRAM_LEADER: [*_DECIDERS, "deals.manage"],
    Role.PARTNER_OPS: [*_DECIDERS, "deals.manage"],
    Role.CAM: _DECIDERS,
    Role.PARTNER_ADMIN: ["portal.deals", "portal.deals.company"],
    Role.PARTNER_REP: ["portal.deals"],
    # An API key (prm.api): what the CRM sync does through the same services, over every partner
    # (`partners.view_all` is the partners app's, registered before this one); the key's scopes
    # narrow it per resource.
    Role.INTEGRATION: [*_DECIDERS, "deals.manage", "partners.view_all"],
}
