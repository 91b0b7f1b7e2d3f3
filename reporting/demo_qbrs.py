"""The demo's business reviews (E), made through their services by each tenant's CAM.

Acme's Northwind Solutions has last quarter's review, held and final, with its highlights,
roadblocks, a comment of Northwind's admin and three action items (one done since, one open,
one overdue), and this quarter's review as a draft shared with Northwind's admins, which
carries the open items. Globex's Initech has last quarter's review, final. Runs after the
year of history and the alerts, so the figures are the demo's own.
"""

from datetime import timedelta

from django.utils.translation import gettext as _

from partners.models import Partner
from prm.exchange.services import tenant_today
from prm.tenancy.models import Membership, Tenant
from prm.tenancy.roles import Role

from .qbrs import services

#: tenant slug -> the partner whose reviews the demo shows
PARTNERS = {"acme": "Northwind Solutions", "globex": "Initech"}


def _member(tenant: Tenant, email: str) -> Membership:
    return Membership.objects.select_related("user", "tenant").get(tenant=tenant, user__email=email)


def seed_demo_qbrs(tenant: Tenant) -> None:
    name = PARTNERS.get(tenant.slug)
    partner = Partner.objects.filter(tenant=tenant, name=name).first() if name else None
    if partner is None:
        return
    cam = _member(tenant, f"cam@{tenant.slug}.test")
    admin = (
        Membership.objects.select_related("user")
        .filter(tenant=tenant, partner=partner, role=Role.PARTNER_ADMIN)
        .order_by("pk")
        .first()
    )
    rep = (
        Membership.objects.select_related("user")
        .filter(tenant=tenant, partner=partner, role=Role.PARTNER_REP)
        .order_by("pk")  # the company's own rep, made before the multi-vendor reseller
        .first()
    )
    today = tenant_today(tenant)
    this_quarter = services.quarter_of(tenant, today)
    last = services.qbr_open(actor=cam, partner=partner, day=this_quarter.start - timedelta(days=1))
    if last.is_final:
        return  # seeded already
    services.qbr_notes_update(
        actor=cam,
        qbr=last,
        highlights=_(
            "Best quarter of the year for won revenue, led by two mid-market software deals.\n"
            "The co-branded webinar series brought a third of the quarter's registrations."
        ),
        roadblocks=_(
            "Decisions on registrations took longer than the SLA in the first month.\n"
            "Only one certified presales engineer: demos wait for her calendar."
        ),
    )
    owner = admin or cam
    held_on = min(today, this_quarter.start + timedelta(days=9))
    done = services.action_item_add(
        actor=cam, qbr=last, title=_("Run the second webinar of the series"), owner=owner,
        due_on=max(held_on, today - timedelta(days=3)),
    )  # fmt: skip
    services.action_item_add(
        actor=cam, qbr=last, title=_("Certify a second presales engineer"), owner=rep or owner,
        due_on=today + timedelta(days=21),
    )  # fmt: skip
    services.action_item_add(
        actor=cam, qbr=last, title=_("Agree the MDF plan for the next two quarters"), owner=cam,
        due_on=max(this_quarter.start, today - timedelta(days=2)),
    )  # fmt: skip
    services.qbr_share(actor=cam, qbr=last)
    if admin is not None:
        services.qbr_comment_add(
            actor=admin,
            qbr=last,
            body=_("Could we add the leads from the September webinar to the pipeline figures?"),
        )
    services.qbr_finalise(actor=cam, qbr=last, held_on=held_on)
    if tenant.slug != "acme":
        return
    services.action_item_track(actor=cam, item=done, status="done")
    current = services.qbr_open(actor=cam, partner=partner, day=today)
    services.qbr_notes_update(
        actor=cam,
        qbr=current,
        highlights=_("Pipeline registered is ahead of last quarter's pace."),
        roadblocks="",
    )
    services.qbr_share(actor=cam, qbr=current)
