"""The demo's PSAT surveys: one per trigger (the quarterly one anonymous), answers across the
partners of both tenants over this fiscal quarter and the last one, and an open request for the
first partner admin of Northwind (`admin@northwind.test`), whose journey answers it.

Northwind gets five answers this quarter (two anonymous, three named), so its PSAT shows; on
the quarterly survey's results page Contoso's four answers stay below the threshold, Northwind's
five over two quarters are shown.
"""

from datetime import date, datetime, time, timedelta
from itertools import cycle

from django.utils import timezone
from django.utils.translation import gettext as _

from prm.metrics.periods import fiscal_quarter_of
from prm.notifications.events import emit
from prm.tenancy.models import Membership, Tenant
from prm.tenancy.roles import PARTNER_ROLES, Role

from .. import events
from ..models import Partner, Survey, SurveyAnswer, SurveyRequest
from . import triggers
from .tokens import new_nonce

#: the name the QBR trigger is registered under by reporting (its survey is seeded once it is)
QBR_TRIGGER = "reporting.qbr_held"
#: the demo's answerer of the open survey
OPEN_FOR = "admin@northwind.test"
#: scores handed out in turn, per partner (a lively spread, Northwind the happiest)
SCORES = {
    "Northwind Solutions": [9, 8, 10, 7, 9, 8],
    "Contoso Systems": [6, 7, 5, 8],
    "Initech": [8, 7, 9, 6, 8, 9],
}
DEFAULT_SCORES = [7, 6, 8]
COMMENTS = [
    "The deal desk answers fast; the portal is easy to use.",
    "More co-marketing templates would help us.",
    "",
    "Our CAM is great. MDF claims took a while to be paid.",
    "",
]


def _surveys(tenant: Tenant) -> dict[str, Survey]:
    definitions = [
        ("deals.decision", _("After a deal decision"), False, ""),
        ("mdf.claim_paid", _("After an MDF claim is paid"), False, ""),
        ("partners.onboarding_completed", _("Welcome to the program"), False, ""),
        (QBR_TRIGGER, _("After our business review"), False, ""),
        (triggers.QUARTERLY, _("Quarterly relationship survey"), True, ""),
    ]
    found: dict[str, Survey] = {}
    for trigger, name, anonymous, _unused in definitions:
        if triggers.get(trigger) is None:
            continue  # an app that does not register it (yet): no survey on it
        survey, _created = Survey.objects.get_or_create(
            tenant=tenant,
            name=name,
            defaults={
                "trigger": trigger,
                "is_anonymous": anonymous,
                "question_1": _("What should we improve first?"),
                "question_2": _("How useful are the sales enablement materials?")
                if trigger == triggers.QUARTERLY
                else "",
                "comment_prompt": _("Anything else you would like to tell us?"),
            },
        )
        found[trigger] = survey
    return found


def _answered(
    survey: Survey, member: Membership, day: date, score: int, comment: str, occasion: str
) -> None:
    asked = timezone.make_aware(datetime.combine(day - timedelta(days=1), time(10)))
    request = SurveyRequest.objects.create(
        tenant_id=survey.tenant_id,
        survey=survey,
        membership=member,
        partner_id=member.partner_id,  # type: ignore[misc]  # a partner user's
        occasion=occasion,
        nonce=new_nonce(),
        asked_at=asked,
        answered_on=day,
    )
    named = not survey.is_anonymous
    SurveyAnswer.objects.create(
        tenant_id=survey.tenant_id,
        survey=survey,
        partner_id=member.partner_id,  # type: ignore[misc]  # a partner user's
        answered_on=day,
        score=score,
        answer_1=_("Faster MDF payments") if score < 8 else "",
        comment=comment,
        membership=member if named else None,
        request=request if named else None,
    )


def seed_surveys(tenant: Tenant) -> None:
    if Survey.objects.filter(tenant=tenant).exists():
        return
    surveys = _surveys(tenant)
    quarterly, decision = surveys.get(triggers.QUARTERLY), surveys.get("deals.decision")
    if quarterly is None or decision is None:
        return
    today = timezone.localdate()
    quarter = fiscal_quarter_of(today, tenant.fiscal_year_start)
    last = fiscal_quarter_of(quarter.start - timedelta(days=1), tenant.fiscal_year_start)
    span = (today - quarter.start).days

    def this_quarter(i: int) -> date:
        return quarter.start + timedelta(days=min(i, span))

    members = (
        Membership.objects.filter(
            tenant=tenant, is_active=True, role__in=sorted(PARTNER_ROLES), partner__isnull=False
        )
        .select_related("user", "partner")
        .order_by("partner__name", "pk")
    )
    turn = 0
    by_partner: dict[Partner, list[Membership]] = {}
    for m in members:
        assert m.partner is not None  # filtered
        by_partner.setdefault(m.partner, []).append(m)
    for partner, users in by_partner.items():
        score = cycle(SCORES.get(partner.name, DEFAULT_SCORES)).__next__
        for i, m in enumerate(users):
            # last quarter: everyone answered the relationship survey
            _answered(
                quarterly, m, last.start + timedelta(days=3 + i), score(), COMMENTS[turn % 5],
                f"quarter:{last.start.isoformat()}",
            )  # fmt: skip
            turn += 1
            if m.user.email == OPEN_FOR:
                continue  # asked this quarter, not answered yet: the open request below
            _answered(
                quarterly, m, this_quarter(1 + i), score(), COMMENTS[turn % 5],
                f"quarter:{quarter.start.isoformat()}",
            )  # fmt: skip
            turn += 1
        if partner.name == "Northwind Solutions":
            # three deal decisions this quarter, each with its owner's named answer
            for i, m in enumerate(users):
                _answered(
                    decision, m, this_quarter(5 + 3 * i), score(), COMMENTS[turn % 5],
                    f"deals.deal.approved:demo-{i}",
                )  # fmt: skip
                turn += 1
    opener = next(
        (m for m in members if m.user.email == OPEN_FOR and m.role == Role.PARTNER_ADMIN), None
    )
    if opener is not None:
        request = SurveyRequest.objects.create(
            tenant=tenant,
            survey=quarterly,
            membership=opener,
            partner_id=opener.partner_id,  # type: ignore[misc]  # a partner user's
            occasion=f"quarter:{quarter.start.isoformat()}",
            nonce=new_nonce(),
            asked_at=timezone.now() - timedelta(hours=2),
        )
        emit(
            events.SURVEY_REQUESTED.name,
            tenant=tenant,
            subject=request,
            data={"survey": quarterly.name, "partner_id": opener.partner_id},
        )
