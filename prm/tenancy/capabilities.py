"""The one registry from role to named capabilities.

The core registers its own capabilities here; every app registers its own, and which roles hold
them, from its `AppConfig.ready()` (`deals/capabilities.py` and `deals/apps.py` show how), so the
core never names an app above it. Views declare the capability they need with
`prm.tenancy.decorators.requires`; the admin UI's model admins declare theirs per action
(`TenantModelAdmin.capabilities`). A capability nobody registered is held by no role: a view
declaring it refuses everyone, and the isolation matrix's meta-tests fail.
"""

from collections.abc import Iterable, Mapping

from .roles import Role

#: capability -> one-line description (a reader can list every capability of the product here
#: once the apps are ready, e.g. `python manage.py shell -c "..."`)
CAPABILITIES: dict[str, str] = {}

#: role -> the capabilities it holds
ROLE_CAPABILITIES: dict[str, frozenset[str]] = {role: frozenset() for role in Role}


def register_capabilities(
    capabilities: Mapping[str, str], *, roles: Mapping[str, Iterable[str]]
) -> None:
    """Add capabilities (name -> description) and give them to roles.

    Called once per app from its `AppConfig.ready()`. Raises `ValueError` for a capability
    registered twice, an unknown role, or a role given a capability that does not exist.
    """
    twice = capabilities.keys() & CAPABILITIES.keys()
    if twice:
        raise ValueError(f"capabilities registered twice: {sorted(twice)}")
    CAPABILITIES.update(capabilities)
    for role, held in roles.items():
        if role not in ROLE_CAPABILITIES:
            raise ValueError(f"unknown role {role!r}")
        unknown = set(held) - CAPABILITIES.keys()
        if unknown:
            raise ValueError(f"{role} is given unknown capabilities {sorted(unknown)}")
        ROLE_CAPABILITIES[role] = ROLE_CAPABILITIES[role] | frozenset(held)


def role_has(role: str, capability: str) -> bool:
    return capability in ROLE_CAPABILITIES.get(role, frozenset())


_VENDOR_STAFF = ("account.self", "admin.access", "members.view")

register_capabilities(
    {
        "account.self": "Use one's own account pages: security, two-factor, other portals.",
        "portal.access": "Use the partner portal.",
        "portal.team.manage": "Invite and manage the users of one's own partner company.",
        "admin.access": "Enter the vendor admin UI.",
        "tenant.settings.change": "Change the tenant's branding and settings.",
        "members.view": "See the tenant's memberships and invitations.",
        "members.staff.invite": "Invite vendor staff and change or deactivate any membership.",
        "members.partner.invite": "Invite users of any partner company.",
        "audit.view": "Read the audit log.",
    },
    roles={
        Role.PROGRAM_LEADER: [
            *_VENDOR_STAFF,
            "tenant.settings.change",
            "members.staff.invite",
            "members.partner.invite",
            "audit.view",
        ],
        Role.PARTNER_OPS: [
            *_VENDOR_STAFF,
            "tenant.settings.change",
            "members.partner.invite",
            "audit.view",
        ],
        Role.CAM: _VENDOR_STAFF,
        Role.PARTNER_ADMIN: ["account.self", "portal.access", "portal.team.manage"],
        Role.PARTNER_REP: ["account.self", "portal.access"],
    },
)
