"""Roles a membership can hold in a tenant, and which side (vendor or partner) each is on."""

from django.db import models
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PROGRAM_LEADER = "program_leader", _("Program leader")
    PARTNER_OPS = "partner_ops", _("Partner operations")
    CAM = "cam", _("Channel account manager")
    PARTNER_ADMIN = "partner_admin", _("Partner admin")
    PARTNER_REP = "partner_rep", _("Partner rep")
    #: the membership an API key acts through (prm.api): it never signs in, holds no partner,
    #: and is nobody's colleague (team lists, invitations and role changes leave it out)
    INTEGRATION = "integration", _("API key")


VENDOR_ROLES = frozenset({Role.PROGRAM_LEADER, Role.PARTNER_OPS, Role.CAM})
PARTNER_ROLES = frozenset({Role.PARTNER_ADMIN, Role.PARTNER_REP})
#: roles of people: what invitations offer and team lists show
PEOPLE_ROLES = VENDOR_ROLES | PARTNER_ROLES


def role_phrase(role: str, partner: object | None) -> str:
    """ "Partner rep at Northwind Solutions", or "Program leader" for vendor staff."""
    label = str(Role(role).label)
    return (
        gettext_now("%(role)s at %(company)s") % {"role": label, "company": partner}
        if partner
        else label
    )
