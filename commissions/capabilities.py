"""The capabilities commissions adds, and which roles hold them (registered in apps.py).

Whether a partner rep sees the earnings of their own deals is the tenant's choice
(`CommissionSettings.reps_see_earnings`), checked by `commissions.access` on top of
`portal.earnings`.
"""

from prm.tenancy.roles import Role

CAPABILITIES = {
    "portal.earnings": "See the money view: earnings, payouts and statements (partner admins: "
    "the company's; reps: their own deals' when the tenant allows).",
    "portal.earnings.company": "See and download the company's statements and question a line.",
    "commissions.view": "See commission plans, the ledger and statements (a CAM: of the "
    "partners assigned to them).",
    "commissions.manage": "Change commission plans, SPIF campaigns, tier bonuses and settings; "
    "recalculate a period.",
    "commissions.approve": "Approve lines and statements, sign off SPIF awards, post "
    "adjustments and answer disputes.",
    "commissions.pay": "Pay approved statements, one by one or in payout batches.",
}

ROLES: dict[str, list[str]] = {
    Role.PROGRAM_LEADER: [
        "commissions.view",
        "commissions.manage",
        "commissions.approve",
        "commissions.pay",
    ],
    Role.PARTNER_OPS: [
        "commissions.view",
        "commissions.manage",
        "commissions.approve",
        "commissions.pay",
    ],
    Role.CAM: ["commissions.view"],
    Role.PARTNER_ADMIN: ["portal.earnings", "portal.earnings.company"],
    Role.PARTNER_REP: ["portal.earnings"],
    # An API key's membership (prm.api) reads every partner's ledger and statements.
    Role.INTEGRATION: ["commissions.view"],
}
