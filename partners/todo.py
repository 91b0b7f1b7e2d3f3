"""The partners cards of the staff to-do home (`prm.workspace.todo`): tier proposals to confirm,
applications to review, and onboardings that stalled.

Counts start from `visible_partners`, so a CAM's cards hold only the partners assigned to them.
"""

from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from prm.dates import format_day
from prm.tenancy.models import Membership
from prm.tenancy.partner_access import visible_partners
from prm.workspace.todo import TodoCard, TodoLine, TodoRow
from prm.workspace.ui import badge

from .models import Application, PartnerOnboarding, TierProposal
from .onboarding.progress import stalled_q, with_progress

#: items shown by name on a card
ROWS = 5


def _list(name: str, **params: str) -> str:
    url = reverse(f"admin:partners_{name}_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def tiers_todo(membership: Membership) -> TodoCard:
    """The nightly proposals waiting for a decision, promotions and demotions (2 queries)."""
    pending = TierProposal.objects.filter(
        tenant_id=membership.tenant_id,
        status=TierProposal.Status.PENDING,
        partner__in=visible_partners(membership),
    )
    n = pending.order_by().aggregate(
        promotions=Count("pk", filter=Q(is_promotion=True)),
        demotions=Count("pk", filter=Q(is_promotion=False)),
    )
    rows = [
        TodoRow(
            title=p.partner.name,
            url=reverse("admin:partners_tierproposal_decide", args=[p.pk]),
            detail=_("%(from)s → %(to)s, proposed on %(day)s")
            % {
                "from": p.from_tier or _("no tier"),
                "to": p.to_tier,
                "day": format_day(p.created_at),
            },
            badge=badge("high", _("promotion"))
            if p.is_promotion
            else badge("warning", _("demotion")),
        )
        for p in pending.select_related("partner", "from_tier", "to_tier").order_by("created_at")[
            :ROWS
        ]
    ]
    return TodoCard(
        key="tiers",
        title=gettext_lazy("Tier proposals"),
        lines=[
            TodoLine(
                ngettext("promotion to confirm", "promotions to confirm", n["promotions"]),
                n["promotions"],
                _list("tierproposal", status=TierProposal.Status.PENDING, is_promotion__exact="1"),
            ),
            TodoLine(
                ngettext("demotion to confirm", "demotions to confirm", n["demotions"]),
                n["demotions"],
                _list("tierproposal", status=TierProposal.Status.PENDING, is_promotion__exact="0"),
                kind="warning",
            ),
        ],
        empty=gettext_lazy(
            "No tier proposal waits. Each night the program proposes promotions and demotions "
            "from the partners' results; they appear here to confirm or dismiss."
        ),
        link=(gettext_lazy("All tier proposals"), _list("tierproposal", status="all")),
        rows=rows,
        rows_title=gettext_lazy("Oldest first"),
    )


def applications_todo(membership: Membership) -> TodoCard:
    """Applications to approve or decline, best score first, and how many carry a flag
    (2 queries)."""
    pending = Application.objects.filter(
        tenant_id=membership.tenant_id, status=Application.Status.PENDING
    )
    n = pending.order_by().aggregate(
        total=Count("pk"),
        partner=Count("pk", filter=Q(matched_partner__isnull=False)),
        free_mail=Count("pk", filter=Q(is_free_mail=True)),
    )
    rows = [
        TodoRow(
            title=a.company_name,
            url=reverse("admin:partners_application_change", args=[a.pk]),
            detail=_("Applied on %(day)s") % {"day": format_day(a.submitted_at)},
            badge=badge("info", _("score %(score)s") % {"score": a.score})
            if a.score is not None
            else "",
        )
        for a in pending.order_by(F("score").desc(nulls_last=True), "submitted_at")[:ROWS]
    ]
    return TodoCard(
        key="applications",
        title=gettext_lazy("Partner applications"),
        lines=[
            TodoLine(
                ngettext(
                    "application to approve or decline",
                    "applications to approve or decline",
                    n["total"],
                ),
                n["total"],
                _list("application", status__exact=Application.Status.PENDING),
            ),
            TodoLine(
                _("of them from an existing partner's domain"),
                n["partner"],
                _list("application", status__exact=Application.Status.PENDING, flag="partner"),
                kind="warning",
            ),
            TodoLine(
                _("of them from a free-mail address"),
                n["free_mail"],
                _list("application", status__exact=Application.Status.PENDING, flag="free_mail"),
                kind="warning",
            ),
        ],
        empty=gettext_lazy(
            "No application waits. Companies apply on the public “Become a partner” page; each "
            "one appears here with its score."
        ),
        link=(gettext_lazy("All applications"), _list("application")),
        rows=rows,
        rows_title=gettext_lazy("Best scores first"),
    )


def onboarding_todo(membership: Membership) -> TodoCard:
    """Onboardings that stalled (nothing done for the plan's number of days), with the step
    they wait on, and how many are under way (2 queries)."""
    now = timezone.now()
    mine = with_progress(
        PartnerOnboarding.objects.filter(
            tenant_id=membership.tenant_id,
            partner__in=visible_partners(membership),
            completed_at__isnull=True,
        )
    )
    stalled = stalled_q(now)
    n = mine.order_by().aggregate(
        stalled=Count("pk", filter=stalled),
        started=Count("pk", filter=~stalled & Q(done_steps__gt=0)),
        not_started=Count("pk", filter=~stalled & Q(done_steps=0)),
    )
    rows = []
    for o in mine.filter(stalled).select_related("partner").order_by("stalls_at")[:ROWS]:
        waiting_on: Any = o  # annotated by with_progress
        rows.append(
            TodoRow(
                title=o.partner.name,
                url=reverse("admin:partners_partner_onboarding", args=[o.partner_id]),
                detail=_("Waiting on “%(step)s” since %(day)s")
                % {
                    "step": waiting_on.next_step_title,
                    "day": format_day(waiting_on.last_activity),
                },
                badge=badge("failed", _("stalled")),
            )
        )
    return TodoCard(
        key="onboarding",
        title=gettext_lazy("Onboarding"),
        lines=[
            TodoLine(
                ngettext("onboarding stalled", "onboardings stalled", n["stalled"]),
                n["stalled"],
                _list("partneronboarding", state="stalled"),
                kind="failed",
            ),
            TodoLine(
                ngettext("onboarding under way", "onboardings under way", n["started"]),
                n["started"],
                _list("partneronboarding", state="in_progress"),
                kind="none",
            ),
            TodoLine(
                ngettext("onboarding not started", "onboardings not started", n["not_started"]),
                n["not_started"],
                _list("partneronboarding", state="not_started"),
                kind="none",
            ),
        ],
        empty=gettext_lazy(
            "No partner is onboarding. New partners start their plan's checklist as soon as "
            "their status is Onboarding."
        ),
        link=(gettext_lazy("Everyone's onboarding"), _list("partneronboarding")),
        rows=rows,
        rows_title=gettext_lazy("Stalled, longest first"),
    )
