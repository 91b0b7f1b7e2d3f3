"""The capabilities MDF adds, and which roles hold them (registered in apps.py).

Whether a partner rep may file requests is the tenant's choice (`MdfSettings.reps_may_request`),
checked by `mdf.services.access.may_request` on top of `portal.mdf`.
"""

from prm.tenancy.roles import Role

CAPABILITIES = {
    "portal.mdf": "See one's company's funds and balances, and the MDF requests and claims one "
    "may work (partner admins: all of the company's).",
    "portal.mdf.company": "File and work every MDF request and claim of one's own company.",
    "mdf.view": "See funds, allocations, MDF requests and claims (a CAM: of the partners "
    "assigned to them).",
    "mdf.approve": "Decide the MDF requests and claims of the partners one sees, and extend "
    "claim deadlines.",
    "mdf.approve.second": "Give the second approval to requests above a fund's threshold.",
    "mdf.manage": "Create funds and their questions, allocate them, and set MDF settings.",
    "mdf.pay": "Mark approved claims paid, one by one or in payment batches.",
}

ROLES: dict[str, list[str]] = {
    Role.PROGRAM_LEADER: [
        "mdf.view",
        "mdf.approve",
        "mdf.approve.second",
        "mdf.manage",
        "mdf.pay",
    ],
    Role.PARTNER_OPS: ["mdf.view", "mdf.manage", "mdf.pay"],
    Role.CAM: ["mdf.view", "mdf.approve"],
    Role.PARTNER_ADMIN: ["portal.mdf", "portal.mdf.company"],
    Role.PARTNER_REP: ["portal.mdf"],
    # An API key's membership (prm.api) reads every partner's requests and claims.
    Role.INTEGRATION: ["mdf.view"],
}
