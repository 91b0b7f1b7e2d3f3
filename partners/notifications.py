"""Who is told what when the partners app's events happen."""

from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from prm.notifications.events import Event
from prm.notifications.rules import Rule, register_recipients, register_rule
from prm.tenancy.models import Membership

from . import events


def _newly_assigned_cams(event: Event) -> Iterable[Membership]:
    return Membership.objects.filter(
        tenant=event.tenant, pk__in=event.data.get("added_membership_ids", [])
    ).select_related("user")


def _partner_page(event: Event, recipient: Membership) -> str:
    if recipient.is_vendor_staff and event.subject is not None:
        return reverse("admin:partners_partner_change", args=[event.subject.pk])
    return reverse("portal:home")


register_recipients("newly_assigned_cams", _newly_assigned_cams)

register_rule(
    Rule(
        key="partners.partner.status_changed.tell_partner_admins",
        event=events.PARTNER_STATUS_CHANGED.name,
        description=_("Tell a partner's admins when their program status changes."),
        recipients=("partner_admins",),
        title=_("{partner} is now {status} in {vendor}'s program"),
        body=_("{reason}"),
        category="program",
        link=_partner_page,
    )
)
register_rule(
    Rule(
        key="partners.partner.cams_assigned.tell_cams",
        event=events.PARTNER_CAMS_ASSIGNED.name,
        description=_("Tell channel account managers when a partner is assigned to them."),
        recipients=("newly_assigned_cams",),
        title=_("You now manage {partner}"),
        body=_("{actor} assigned {partner} to you."),
        category="program",
        link=_partner_page,
    )
)
