"""The partners app's metrics, registered in the core registry (prm.metrics).

- `partners.active_users`: partner users who can sign in now (a state, whatever the period).
- `partners.months_in_program`: whole months from joining to the period's last day; rolls up as
  the median partner.
- `partners.monthly_active_rate`: of the partner users who were members during the period, the
  percentage who signed in at least once in it (`prm.accounts.SignInDay`); a ratio of sums, so a
  tier's rate is its signed-in users over its users, not an average of companies' rates.
- `partners.psat`: the average 0-10 score of PSAT survey answers given in the period (named and
  anonymous alike), counted on the day answered; no figure for any scope — a partner, a tier, a
  CAM's portfolio, the program — made of fewer than `MIN_ANONYMOUS_ANSWERS` answers
  (`Ratio.at_least`), so no dashboard, scorecard, alert or QBR shows a handful of anonymous
  answers. `partners.psat_answers`: how many answers.
"""

from django.db.models import Exists, IntegerField, OuterRef, Q, QuerySet
from django.db.models import Value as V
from django.db.models.functions import ExtractMonth, ExtractYear, Greatest
from django.utils.translation import gettext_lazy as _

from prm.accounts.models import SignInDay
from prm.metrics.periods import Period
from prm.metrics.registry import Median, Metric, Part, Ratio, Rows, Total, admin_list, register
from prm.tenancy.models import Membership, Tenant
from prm.tenancy.roles import PARTNER_ROLES

from .models import Partner, SurveyAnswer
from .surveys.selectors import MIN_ANONYMOUS_ANSWERS


def _partner_users(tenant: Tenant) -> QuerySet[Membership]:
    return Membership.objects.filter(tenant=tenant, role__in=sorted(PARTNER_ROLES))


# `partners.active_users` in the members list: the partner users who can sign in, a state the
# period does not narrow. `partners.monthly_active_rate` has no list: it counts the users who were
# members at any time in the period (active now, or deactivated during it), which no filter of
# the members list can say; `partners.months_in_program` is a median over companies.
ACTIVE_USERS_LIST = admin_list(
    "admin:tenancy_membership_changelist",
    role__in=",".join(sorted(PARTNER_ROLES)),
    is_active__exact=1,
)

CURRENT_USERS = Rows(
    queryset=lambda tenant: _partner_users(tenant).filter(is_active=True),
    in_period=lambda period: Q(),
    name="partner users now",
)


def _member_during(period: Period) -> Q:
    first, after = period.moments()
    return Q(created_at__lt=after) & (Q(is_active=True) | Q(deactivated_at__gte=first))


USERS_DURING = Rows(
    queryset=_partner_users,
    in_period=_member_during,
    name="partner users during the period",
)


def _signed_in(period: Period) -> Q:
    days = SignInDay.objects.filter(
        membership=OuterRef("pk"), day__gte=period.start, day__lte=period.end
    )
    return Q(Exists(days))


PARTNERS = Rows(
    queryset=lambda tenant: Partner.objects.filter(tenant=tenant, joined_on__isnull=False),
    in_period=lambda period: Q(joined_on__lte=period.end),
    partner="",
    name="partners that joined",
)


def _months_to(period: Period) -> Greatest:
    end = period.end
    return Greatest(
        V(0),
        (V(end.year) - ExtractYear("joined_on")) * V(12) + V(end.month) - ExtractMonth("joined_on"),
        output_field=IntegerField(),
    )


# PSAT has no list behind it: the rows are survey answers, and a list of them per partner would
# show an anonymous survey's answers of a partner below the threshold (the survey's results page
# in the admin UI is where answers are read, within the threshold).
ANSWERS = Rows(
    queryset=lambda tenant: SurveyAnswer.objects.filter(tenant=tenant),
    day="answered_on",
    name="PSAT survey answers",
)


for metric in [
    Metric(
        name="partners.psat",
        label=_("PSAT"),
        unit="score",
        description=_(
            "Partner satisfaction: the average 0-10 score of the survey answers given in the "
            "period; shown only from 5 answers."
        ),
        rows=ANSWERS,
        value=Ratio(Part("score"), Part(1), scale=1, at_least=MIN_ANONYMOUS_ANSWERS),
    ),
    Metric(
        name="partners.psat_answers",
        label=_("PSAT answers"),
        label_one=_("PSAT answer"),
        unit="count",
        description=_("How many PSAT survey answers partner users gave in the period."),
        rows=ANSWERS,
        value=Total(Part(1)),
    ),
    Metric(
        name="partners.active_users",
        label=_("active users"),
        label_one=_("active user"),
        unit="count",
        description=_("Partner users who can sign in to the portal."),
        rows=CURRENT_USERS,
        value=Total(Part(1)),
        list_url=ACTIVE_USERS_LIST,
    ),
    Metric(
        name="partners.months_in_program",
        label=_("months in the program"),
        label_one=_("month in the program"),
        unit="months",
        description=_("Whole months since the partner joined the program."),
        rows=PARTNERS,
        value=Median(_months_to, places="1"),
    ),
    Metric(
        name="partners.monthly_active_rate",
        label=_("active user rate"),
        unit="percent",
        description=_(
            "Of the partner users who were members during the period, the percentage who signed "
            "in to the portal at least once in it."
        ),
        rows=USERS_DURING,
        value=Ratio(Part(1, where=_signed_in), Part(1)),
    ),
]:
    register(metric)
