"""What the decision screen and the decision pages show about one registration.

The decision screen (the registration's page in the admin UI) shows everything: its candidate
matches, both sides of a conflict, the decisions its status allows and its extension requests.
Each decision page (approve, reject, ask for information, close, extend) opens on a summary of
the same facts (`summary_context`), so that a decision is taken knowing what it decides.

A registration that a later one conflicts with is "contested"; the later one is "a conflict".
Another partner's registration is linked only when the member may open it (a CAM: their
partners' only, as `deals_for` decides); its reference and partner are shown either way, as the
CAM needs to weigh it.
"""

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from prm.dates import format_moment
from prm.sla import sla_state, waiting_text
from prm.tenancy.partner_access import visible_partners
from prm.tenancy.requests import membership_of

from .. import workflow
from ..models import Deal, DealExtension, DealMatch, DealSettings
from ..selectors import attachments_of, comments_of, competing_with, deal_settings_for
from ..services.comments import thread_read
from ..services.decisions import approval_blocker
from .common import Badge


@dataclass(frozen=True)
class Related:
    """Another registration in a conflict with this one, as the member may see it."""

    reference: str
    customer: str
    partner: str
    status: str
    url: str  # empty when the member may not open it
    submitted_at: Any


def _related(deal: Deal, shown: set[int]) -> Related:
    url = reverse("admin:deals_deal_change", args=[deal.pk]) if deal.pk in shown else ""
    return Related(
        reference=deal.reference,
        customer=deal.customer_name,
        partner=deal.partner.name,
        status=deal.get_status_display(),
        url=url,
        submitted_at=deal.submitted_at,
    )


def _sides(deal: Deal, known: dict[Any, Deal]) -> tuple[Deal | None, list[Deal]]:
    """The registration that held the customer when this one was submitted (for a conflict),
    and the later ones that compete with this one; `known`: registrations already fetched with
    their partner, by id (the candidate matches)."""
    holder = None
    if deal.is_conflict and deal.conflict_with_id is not None:
        holder = known.get(deal.conflict_with_id) or (
            Deal.objects.select_related("partner").get(
                tenant_id=deal.tenant_id, pk=deal.conflict_with_id
            )
        )
    return holder, list(competing_with(deal))


def _sides_context(holder: Deal | None, competitors: list[Deal], shown: set[int]) -> dict[str, Any]:
    return {
        "holder": _related(holder, shown) if holder else None,
        "competitors": [_related(d, shown) for d in competitors],
    }


def conflict_sides(request: HttpRequest, deal: Deal) -> dict[str, Any]:
    """Both sides of a conflict (`holder`, `competitors`), linked where the member may look."""
    holder, competitors = _sides(deal, {})
    others = competitors + ([holder] if holder else [])
    return _sides_context(holder, competitors, _visible(request, others))


def _visible(request: HttpRequest, deals: list[Deal]) -> set[int]:
    """Which of these registrations the member may open: those of the partners they see (no
    query for staff who see every partner, one for a CAM, none for no registrations)."""
    if not deals:
        return set()
    membership = membership_of(request)
    partner_ids = {d.partner_id for d in deals}
    if not membership.can("partners.view_all"):
        seen = visible_partners(membership).filter(pk__in=partner_ids)
        partner_ids = set(seen.values_list("pk", flat=True))
    return {d.pk for d in deals if d.partner_id in partner_ids}


def clock(deal: Deal) -> Badge | None:
    """The decision clock of a registration waiting for a decision: time left or overdue."""
    if deal.status != Deal.Status.SUBMITTED or deal.sla_due_at is None:
        return None
    kind, text = sla_state(deal.sla_due_at, timezone.get_current_timezone_name())
    return Badge(kind, text, format_moment(deal.sla_due_at))


def summary_context(request: HttpRequest, deal: Deal) -> dict[str, Any]:
    """The summary a decision page opens with (`admin/deals/deal/_summary.html`)."""
    deal_settings = deal_settings_for(deal.tenant)
    return {
        "summary_products": ", ".join(p.name for p in deal.products.all()) or "—",
        "summary_matches": DealMatch.objects.filter(tenant_id=deal.tenant_id, deal=deal).count(),
        "summary_clock": clock(deal),
        "summary_waiting": waiting_text(deal.submitted_at) if clock(deal) else "",
        "cam_decides": deal_settings.engagement_rule == DealSettings.Engagement.CAM_DECIDES,
        "cancel_url": reverse("admin:deals_deal_change", args=[deal.pk]),
        **conflict_sides(request, deal),
    }


def decision_context(request: HttpRequest, deal: Deal) -> dict[str, Any]:
    """What the decision screen shows besides the registration's fields."""
    membership = membership_of(request)
    matches = list(
        DealMatch.objects.filter(tenant_id=deal.tenant_id, deal=deal).select_related(
            "matched_deal__partner", "account"
        )
    )
    matched = {m.matched_deal_id: m.matched_deal for m in matches if m.matched_deal is not None}
    holder, competitors = _sides(deal, matched)
    related = [*matched.values(), *competitors, *([holder] if holder else [])]
    shown = _visible(request, related)
    may_decide = membership.can("deals.approve")
    may_approve = may_decide and workflow.allowed(deal, "approve")
    extensions = list(
        DealExtension.objects.filter(tenant_id=deal.tenant_id, deal=deal).select_related(
            "requested_by", "decided_by"
        )
    )
    rule = deal_settings_for(deal.tenant).engagement_rule
    # Looking at the thread is reading it: its notifications stop counting in the bell.
    thread_read(actor=membership, deal=deal)
    return {
        "attachments": list(attachments_of(deal)),
        "comments": list(comments_of(deal)),
        "matches": [
            {"match": m, "linked": m.matched_deal_id in shown, **_match_text(m)} for m in matches
        ],
        "may_approve": may_approve,
        # a conflict the rules forbid to approve: the button is shown disabled, with why
        "approve_blocker": approval_blocker(deal, rule=rule) if may_approve else "",
        "may_reject": may_decide and workflow.allowed(deal, "reject"),
        "may_request_info": may_decide and workflow.allowed(deal, "request_info"),
        "may_win": may_decide and workflow.allowed(deal, "win"),
        "may_lose": may_decide and workflow.allowed(deal, "lose"),
        "may_change_amount": may_decide and workflow.allowed(deal, "change_amount"),
        "may_reopen": may_decide and workflow.allowed(deal, "reopen"),
        "extensions": extensions,
        "may_decide_extensions": may_decide and deal.status == Deal.Status.APPROVED,
        "cam_decides": rule == DealSettings.Engagement.CAM_DECIDES,
        **_sides_context(holder, competitors, shown),
    }


def _match_text(match: DealMatch) -> dict[str, Any]:
    """How the decision screen words one candidate match."""
    return {
        "percent": round(match.score * 100),
        "on": _("on domain") if match.on_domain else _("on name"),
        "strength": _("strong") if match.is_strong else _("possible"),
    }
