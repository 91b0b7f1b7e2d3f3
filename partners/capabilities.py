"""The capabilities the partner program adds, and which roles hold them (registered in apps.py)."""

from prm.tenancy.roles import Role

CAPABILITIES = {
    "portal.agreement.accept": "Accept the partner agreement for one's own company.",
    "portal.plan.edit": "Create and change one's own company's joint business plans.",
    "portal.company.edit": "Change one's own company's profile (logo, description, address).",
    "partners.view": "See partner companies (a CAM: only the partners assigned to them).",
    "partners.view_all": "See every partner company of the program.",
    "partners.manage": "Create and change partner companies.",
    "partners.assign": "Assign channel account managers to partner companies.",
    "partners.recruit": "Review partner applications (approve, decline) and set up recruitment.",
    "partners.plan.edit": "Create and change the joint business plans of the partners one sees.",
    "partners.onboarding.tick": "Tick onboarding steps by hand, with a reason (partners one sees).",
    "partners.surveys.view": "See PSAT surveys and their results (a CAM: their partners' only).",
    "partners.surveys.manage": "Create and change PSAT surveys and when they are sent.",
}

#: what every member of the vendor's staff may do with the partners they see
_STAFF = [
    "partners.view",
    "partners.plan.edit",
    "partners.onboarding.tick",
    "partners.surveys.view",
]
_PROGRAM = [
    *_STAFF,
    "partners.view_all",
    "partners.manage",
    "partners.assign",
    "partners.recruit",
    "partners.surveys.manage",
]

ROLES: dict[str, list[str]] = {
    Role.PROGRAM_LEADER: _PROGRAM,
    Role.PARTNER_OPS: _PROGRAM,
    Role.CAM: _STAFF,
    Role.PARTNER_ADMIN: ["portal.agreement.accept", "portal.plan.edit", "portal.company.edit"],
    # An API key's membership (prm.api): every partner, and creating and changing their
    # details; the key's scopes narrow it per resource.
    Role.INTEGRATION: ["partners.view", "partners.view_all", "partners.manage"],
}
