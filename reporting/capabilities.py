"""The capabilities reporting adds, and which roles hold them (registered in apps.py).

A CAM's dashboard and alerts cover the partners assigned to them (`visible_partners`); program
leaders and partner operations see the whole program. A partner admin's scorecard shows the
company's figures; a rep's shows their own (registrations they submitted, courses they took).
"""

from prm.tenancy.roles import Role

CAPABILITIES = {
    "reporting.program.view": "See the program dashboard: every partner's figures, breakdowns "
    "and trends, with their CSV exports.",
    "reporting.cam.view": "See a CAM dashboard (a CAM: their own partners; leaders and partner "
    "operations: any CAM's).",
    "reporting.alerts.view": "See, acknowledge and snooze the KPI alerts addressed to them.",
    "reporting.alerts.manage": "Make and change KPI alert rules, and see every alert.",
    "reporting.qbrs.edit": "Prepare, share and finalise the quarterly business reviews of the "
    "partners one sees, and track their action items.",
    "reporting.qbrs.export": "Export the quarterly business reviews of many partners at once "
    "(a background job ending in a zip of PDFs).",
    "portal.qbrs": "Read the company's shared and final business reviews, comment on shared "
    "drafts, download final ones, and track every action item of the company.",
    "portal.qbr_actions": "See and mark done the business-review action items one owns.",
    "portal.scorecard": "See the partner scorecard (partner admins: the company's figures "
    "against its tier; reps: their own).",
}

ROLES: dict[str, list[str]] = {
    Role.PROGRAM_LEADER: [
        "reporting.program.view",
        "reporting.cam.view",
        "reporting.alerts.view",
        "reporting.alerts.manage",
        "reporting.qbrs.edit",
        "reporting.qbrs.export",
    ],
    Role.PARTNER_OPS: [
        "reporting.program.view",
        "reporting.cam.view",
        "reporting.alerts.view",
        "reporting.alerts.manage",
        "reporting.qbrs.edit",
        "reporting.qbrs.export",
    ],
    Role.CAM: [
        "reporting.cam.view",
        "reporting.alerts.view",
        "reporting.qbrs.edit",
        "reporting.qbrs.export",
    ],
    Role.PARTNER_ADMIN: ["portal.scorecard", "portal.qbrs", "portal.qbr_actions"],
    Role.PARTNER_REP: ["portal.scorecard", "portal.qbr_actions"],
}
