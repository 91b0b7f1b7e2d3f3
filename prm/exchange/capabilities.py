"""The capabilities of the exchange-rate table, and which roles hold them (registered in
apps.py, as the apps above the core do)."""

from prm.tenancy.roles import Role

CAPABILITIES = {
    "rates.view": "See the tenant's exchange rates (used to report totals in its currency).",
    "rates.manage": "Enter, import and delete the tenant's exchange rates.",
}

ROLES: dict[str, list[str]] = {
    Role.PROGRAM_LEADER: ["rates.view", "rates.manage"],
    Role.PARTNER_OPS: ["rates.view", "rates.manage"],
    Role.CAM: ["rates.view"],
}
