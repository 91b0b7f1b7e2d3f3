"""The content library's demo data (seeded after the courses, `order=90`).

Acme: ten assets for resellers, for systems integrators and for everyone — a playbook, a
battle card against a named competitor, a case study, a pricing sheet, a presentation, a white
paper (small real PDFs made with `prm.pdf.render_pdf`), a video link and a web page; one shown
by name to Northwind Solutions only, one past its review date, one draft. rep@northwind.test
(a reseller) sees the reseller assets and not the integrators'. Globex: three assets.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from partners.models import Partner, PartnerType, Segment, Tier
from prm.tenancy import demo
from prm.tenancy.models import Membership, Tenant
from prm.tenancy.roles import Role

from ..models import Asset, AssetEngagement, AssetType
from .services import asset_grant, asset_save, engagement_record


@dataclass(frozen=True)
class DemoAsset:
    title: str
    type: str
    description: str
    #: segment names ("" entries ignored); none: every partner
    segments: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    #: paragraphs of the PDF made for it (none: a link)
    pages: tuple[str, ...] = ()
    rows: tuple[tuple[str, str], ...] = ()
    link: str = ""
    featured: bool = False
    #: days from today (negative: past)
    review_in: int | None = 180
    draft: bool = False
    #: shown by name to this partner only
    named: str = ""
    views: dict[str, int] = field(default_factory=dict)


RESELLERS, INTEGRATORS = "Resellers", "Systems integrators"

ACME = [
    DemoAsset(
        "Reseller sales playbook",
        AssetType.PLAYBOOK,
        "The five stages of an Acme Cloud deal for resellers: qualify, register, demo, "
        "propose and close, with the questions to ask at each step.",
        segments=(RESELLERS,),
        tags=("type:Reseller", "product:Acme Cloud"),
        pages=(
            "Qualify the budget owner and the renewal date in the first call.",
            "Register the opportunity in the portal before your first proposal: the customer "
            "is then protected for you.",
            "Demo the three workflows the buyer named, nothing else; propose within a week.",
        ),
        featured=True,
        views={"rep@northwind.test": 3, "admin@northwind.test": 1},
    ),
    DemoAsset(
        "Battle card: Acme Cloud vs Initrode Suite",
        AssetType.BATTLE_CARD,
        "How to win against Initrode Suite: where we are stronger, the traps in their "
        "pricing, and answers to the five objections partners hear most.",
        segments=(RESELLERS, INTEGRATORS),
        tags=("product:Acme Cloud", "industry:software"),
        pages=(
            "Initrode Suite charges per module; Acme Cloud includes analytics and workflows.",
            "Objection: “Initrode is cheaper.” Answer: compare three-year cost with the "
            "modules the customer needs, not the entry price.",
        ),
        rows=(("Deployment", "Acme: days · Initrode: months"), ("Support", "Acme: 24/7")),
        views={"rep@northwind.test": 2, "rep@contoso.test": 4},
    ),
    DemoAsset(
        "Case study: Fabrikam Health cuts onboarding time by 40%",
        AssetType.CASE_STUDY,
        "How a regional healthcare network replaced spreadsheets with Acme Cloud in six "
        "weeks, with a reseller leading the project.",
        tags=("industry:healthcare", "region:na", "product:Acme Cloud"),
        pages=(
            "The challenge: 14 clinics, each onboarding staff with its own spreadsheet.",
            "The result: onboarding time down by 40% and one view of every clinic.",
        ),
        views={"admin@contoso.test": 1},
    ),
    DemoAsset(
        "Reseller price list 2026",
        AssetType.PRICING_SHEET,
        "List prices, reseller discounts by tier and the rules for multi-year deals.",
        segments=(RESELLERS,),
        tags=("type:Reseller", "tier:Silver", "tier:Gold", "product:Acme Cloud"),
        pages=("Prices are per user and month, billed yearly. Discounts apply by tier.",),
        rows=(
            ("Acme Cloud Standard", "USD 25"),
            ("Acme Cloud Professional", "USD 45"),
            ("Analytics add-on", "USD 10"),
        ),
        review_in=-12,
    ),
    DemoAsset(
        "Acme Cloud first-meeting deck",
        AssetType.PRESENTATION,
        "The ten slides for a first meeting with a prospect: the problem, the product, "
        "three customer stories and the next step.",
        tags=("product:Acme Cloud",),
        pages=("Slide notes: open with the customer's problem, not with Acme.",),
        featured=True,
        views={"rep@northwind.test": 1, "admin@fabrikam.test": 2},
    ),
    DemoAsset(
        "White paper: integrating Acme Cloud with ERP systems",
        AssetType.WHITE_PAPER,
        "The integration patterns systems integrators use to connect Acme Cloud to SAP, "
        "Oracle and Microsoft Dynamics, with their trade-offs.",
        segments=(INTEGRATORS,),
        tags=("type:Systems integrator", "industry:manufacturing", "product:Acme Connect"),
        pages=(
            "Pattern 1: event-driven sync through Acme Connect.",
            "Pattern 2: nightly batch export for systems without an API.",
        ),
        views={"rep@contoso.test": 2},
    ),
    DemoAsset(
        "Product tour: Acme Cloud in five minutes",
        AssetType.VIDEO,
        "A five-minute walk through the product to send prospects before a demo.",
        link="https://www.youtube.com/watch?v=aqz-KE-bpKQ",
        tags=("product:Acme Cloud",),
    ),
    DemoAsset(
        "Implementation checklist for integrators",
        AssetType.OTHER,
        "The online checklist our professional services team uses on every project.",
        segments=(INTEGRATORS,),
        link="https://www.example.com/acme/implementation-checklist",
        tags=("type:Systems integrator",),
    ),
    DemoAsset(
        "Northwind joint account plan",
        AssetType.PLAYBOOK,
        "The accounts Acme and Northwind pursue together this year, and who leads each one.",
        named="Northwind Solutions",
        pages=("Shared with Northwind Solutions only.",),
        review_in=60,
    ),
    DemoAsset(
        "Partner pricing for 2027 (draft)",
        AssetType.PRICING_SHEET,
        "Next year's prices, under review with finance.",
        pages=("Not final.",),
        draft=True,
    ),
]

GLOBEX = [
    DemoAsset(
        "Globex reseller playbook",
        AssetType.PLAYBOOK,
        "How Globex resellers qualify and register financial-services deals.",
        segments=("Globex resellers",),
        tags=("industry:finance", "type:Reseller"),
        pages=("Qualify compliance needs first: every bank asks.",),
        featured=True,
    ),
    DemoAsset(
        "Case study: a hospital group in Osaka",
        AssetType.CASE_STUDY,
        "A referral partner brought Globex into a 12-hospital group.",
        tags=("industry:healthcare", "region:apac"),
        pages=("Twelve hospitals, one platform, live in three months.",),
    ),
    DemoAsset(
        "Globex overview deck",
        AssetType.PRESENTATION,
        "The company and product overview for any first meeting.",
        pages=("Globex in ten slides.",),
        review_in=-3,
    ),
]


def _pdf(tenant: Tenant, spec: DemoAsset) -> bytes:
    # Imported here: WeasyPrint takes seconds to import, and a web process never seeds.
    from prm.pdf import render_pdf

    return render_pdf(
        "training/library/pdf/demo_asset.html",
        {
            "title": spec.title,
            "kind": AssetType(spec.type).label,
            "paragraphs": [spec.description, *spec.pages],
            "rows": list(spec.rows),
        },
        tenant=tenant,
    )


def _tags(tenant: Tenant, tags: tuple[str, ...]) -> list[str]:
    """Demo tags by name (`type:Reseller`, `tier:Gold`) as stored (by id)."""
    types = {t.name: t.pk for t in PartnerType.objects.filter(tenant=tenant)}
    tiers = {t.name: t.pk for t in Tier.objects.filter(tenant=tenant)}
    found = []
    for tag in tags:
        kind, _, value = tag.partition(":")
        if kind == "type" and value in types:
            found.append(f"type:{types[value]}")
        elif kind == "tier" and value in tiers:
            found.append(f"tier:{tiers[value]}")
        elif kind not in ("type", "tier"):
            found.append(tag)
    return found


def _segments(tenant: Tenant) -> dict[str, Segment]:
    types = {t.name: t for t in PartnerType.objects.filter(tenant=tenant)}
    wanted = {
        RESELLERS: ("Every partner of the Reseller type, in any region.", "Reseller"),
        INTEGRATORS: ("Every partner of the Systems integrator type.", "Systems integrator"),
        "Globex resellers": ("Every Globex reseller.", "Reseller"),
    }
    found = {}
    names = (RESELLERS, INTEGRATORS) if tenant.slug == "acme" else ("Globex resellers",)
    for name in names:
        description, type_name = wanted[name]
        segment, created = Segment.objects.get_or_create(
            tenant=tenant, name=name, defaults={"description": description}
        )
        if created and type_name in types:
            segment.partner_types.set([types[type_name]])
        found[name] = segment
    return found


def seed_library(tenant: Tenant) -> None:
    """Acme's and Globex's assets (once: a tenant with assets is left alone)."""
    specs = {"acme": ACME, "globex": GLOBEX}.get(tenant.slug)
    if specs is None or Asset.objects.filter(tenant=tenant).exists():
        return
    ops = Membership.objects.filter(tenant=tenant, role=Role.PARTNER_OPS, is_active=True).first()
    if ops is None:
        return
    segments = _segments(tenant)
    members = {
        m.user.email: m
        for m in Membership.objects.filter(
            tenant=tenant, is_active=True, partner__isnull=False
        ).select_related("user", "partner")
    }
    now = timezone.now()
    today = timezone.localdate()
    for age, spec in enumerate(reversed(specs), start=1):
        asset = Asset(
            tenant=tenant,
            title=spec.title,
            description=spec.description,
            type=spec.type,
            link=spec.link,
            tags=_tags(tenant, spec.tags),
            featured=spec.featured,
            review_by=today + timedelta(days=spec.review_in)
            if spec.review_in is not None
            else None,
            status=Asset.Status.DRAFT if spec.draft else Asset.Status.PUBLISHED,
        )
        if spec.pages:
            name = f"{spec.title[:80]}.pdf".replace("/", "-").replace(":", "")
            asset.file.save(name, ContentFile(_pdf(tenant, spec)), save=False)
            asset.file_name = name
            asset.content_type = "application/pdf"
            asset.size = asset.file.size
        with demo.played_at(now - timedelta(days=3 * age, hours=age)):
            asset_save(actor=ops, asset=asset)
            asset.segments.set([segments[s] for s in spec.segments if s in segments])
            if spec.named:
                partner = Partner.objects.filter(tenant=tenant, name=spec.named).first()
                if partner is not None:
                    asset_grant(actor=ops, asset=asset, partner=partner)
        for email, times in spec.views.items():
            member = members.get(email)
            if member is None:
                continue
            for n in range(times):
                kind = AssetEngagement.Kind.DOWNLOAD if n % 2 else AssetEngagement.Kind.VIEW
                engagement_record(actor=member, asset=asset, kind=kind)
