"""The capabilities training adds, and which roles hold them (registered in apps.py)."""

from prm.tenancy.roles import Role

CAPABILITIES = {
    "portal.training": "Take the courses that target one's company, and follow one's progress.",
    "training.view": "See courses and the training progress of partners (a CAM: of the partners "
    "assigned to them).",
    "training.manage": "Build, change and publish courses.",
}

ROLES: dict[str, list[str]] = {
    Role.PROGRAM_LEADER: ["training.view", "training.manage"],
    Role.PARTNER_OPS: ["training.view", "training.manage"],
    Role.CAM: ["training.view"],
    Role.PARTNER_ADMIN: ["portal.training"],
    Role.PARTNER_REP: ["portal.training"],
}
