"""Scoring a partner application against the tenant's ideal profile, and flagging it.

The score is the weight of the criteria the application meets over the total weight, as a whole
percentage. A missing answer meets nothing; an unmet must-have fails the application outright.
Each criterion's line (label, met, weight, points, the applicant's answer) is kept as a snapshot
on the application, in the tenant's language, so a later profile change does not rewrite it.
"""

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import models
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django_countries import countries

from prm.tenancy.models import Tenant

from ..models import Application, Partner, ProfileCriterion

#: Mailbox providers anyone can sign up to: an address there says nothing about a company.
FREE_MAIL_DOMAINS = frozenset(
    {
        "126.com",
        "163.com",
        "aol.com",
        "fastmail.com",
        "gmail.com",
        "gmx.at",
        "gmx.ch",
        "gmx.com",
        "gmx.de",
        "gmx.net",
        "googlemail.com",
        "hotmail.co.uk",
        "hotmail.com",
        "hotmail.de",
        "hotmail.fr",
        "icloud.com",
        "live.co.uk",
        "live.com",
        "live.de",
        "mac.com",
        "mail.com",
        "mail.ru",
        "me.com",
        "msn.com",
        "naver.com",
        "outlook.com",
        "outlook.de",
        "pm.me",
        "proton.me",
        "protonmail.ch",
        "protonmail.com",
        "qq.com",
        "t-online.de",
        "tutanota.com",
        "web.de",
        "yahoo.co.jp",
        "yahoo.co.uk",
        "yahoo.com",
        "yahoo.de",
        "yahoo.fr",
        "yandex.com",
        "yandex.ru",
        "zoho.com",
    }
)


@dataclass(frozen=True)
class Line:
    """How one criterion scored."""

    label: str
    met: bool
    weight: int
    points: int
    answer: str
    must_have: bool


@dataclass(frozen=True)
class Score:
    #: 0-100, or None when there are no criteria to score against
    score: int | None
    must_have_failed: bool
    lines: list[Line]

    def breakdown(self) -> list[dict[str, Any]]:
        return [asdict(line) for line in self.lines]


def is_free_mail(domain: str) -> bool:
    return domain.lower() in FREE_MAIL_DOMAINS


def profile_of(tenant: Tenant) -> list[ProfileCriterion]:
    """The tenant's ideal profile, with what scoring reads fetched in two queries."""
    return list(ProfileCriterion.objects.filter(tenant=tenant).prefetch_related("partner_types"))


def matching_partner(application: Application) -> Partner | None:
    """The existing partner of the application's tenant whose website domain is the
    applicant's email domain (unless that is free mail) or website domain."""
    domains = {application.website_domain}
    if not is_free_mail(application.email_domain):
        domains.add(application.email_domain)
    domains.discard("")
    if not domains:
        return None
    return (
        Partner.objects.filter(tenant_id=application.tenant_id, domain__in=sorted(domains))
        .order_by("name")
        .first()
    )


def score(
    application: Application, criteria: Iterable[ProfileCriterion], *, tenant: Tenant
) -> Score:
    """Score `application` against `criteria` (labels and answers in the tenant's language)."""
    with translation.override(tenant.language):
        lines = []
        for criterion in criteria:
            met = _is_met(criterion, application, tenant.default_currency)
            lines.append(
                Line(
                    label=criterion_label(criterion, currency=tenant.default_currency),
                    met=met,
                    weight=criterion.weight,
                    points=criterion.weight if met else 0,
                    answer=answer_text(application, criterion.field),
                    must_have=criterion.must_have,
                )
            )
    total = sum(line.weight for line in lines)
    percent = None
    if total:
        exact = Decimal(sum(line.points for line in lines)) * 100 / Decimal(total)
        percent = int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    failed = any(line.must_have and not line.met for line in lines)
    return Score(score=percent, must_have_failed=failed, lines=lines)


def _is_met(criterion: ProfileCriterion, application: Application, currency: str) -> bool:
    field = criterion.field
    if criterion.is_numeric:
        value = getattr(application, field)
        if value is None or criterion.minimum is None:
            return False
        if field == ProfileCriterion.Field.ANNUAL_REVENUE and application.currency != currency:
            return False  # an answer in another currency cannot be compared
        return Decimal(value) >= criterion.minimum
    if field == ProfileCriterion.Field.PARTNER_TYPE:
        accepted = {t.pk for t in criterion.partner_types.all()}
        return application.partner_type_id in accepted
    answer = str(getattr(application, field) or "")
    return bool(answer) and answer in _accepted_codes(criterion)


#: choice question -> the criterion's array of accepted codes
ACCEPTED_CODES = {
    "country": "countries",
    "region": "regions",
    "industry": "industries",
    "size_band": "size_bands",
}
_CHOICES: dict[str, type[models.TextChoices]] = {
    "region": Partner.Region,
    "industry": Partner.Industry,
    "size_band": Partner.Size,
}


def _accepted_codes(criterion: ProfileCriterion) -> list[str]:
    array = ACCEPTED_CODES.get(criterion.field)
    return list(getattr(criterion, array)) if array else []


def _choice_label(field: str, code: str) -> str:
    enum = _CHOICES.get(field)
    if field == ProfileCriterion.Field.COUNTRY:
        return str(countries.name(code)) or code
    if enum is not None and code in enum.values:
        return str(enum(code).label)
    return code


def _number(value: Decimal | int) -> str:
    value = Decimal(value)
    places = 0 if value == value.to_integral_value() else 2
    return formats.number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)


def criterion_label(criterion: ProfileCriterion, *, currency: str) -> str:
    """ "Region is one of: EMEA, Asia Pacific", "Annual revenue at least 1,000,000 USD"."""
    question = str(criterion.get_field_display())
    if criterion.is_numeric:
        minimum = _number(criterion.minimum or 0)
        if criterion.field == ProfileCriterion.Field.ANNUAL_REVENUE:
            minimum = f"{minimum} {currency}"
        return _("%(question)s at least %(minimum)s") % {"question": question, "minimum": minimum}
    if criterion.field == ProfileCriterion.Field.PARTNER_TYPE:
        values = [t.name for t in criterion.partner_types.all()]
    else:
        values = [_choice_label(criterion.field, c) for c in _accepted_codes(criterion)]
    if len(values) == 1:
        return _("%(question)s is %(value)s") % {"question": question, "value": values[0]}
    return _("%(question)s is one of: %(values)s") % {
        "question": question,
        "values": ", ".join(values) or "—",
    }


def answer_text(application: Application, field: str) -> str:
    """The applicant's answer to `field` as a person reads it; '' when not answered."""
    if field == ProfileCriterion.Field.PARTNER_TYPE:
        return application.partner_type.name if application.partner_type else ""
    value = getattr(application, field)
    if value is None or value == "":
        return ""
    if field == ProfileCriterion.Field.ANNUAL_REVENUE:
        return f"{_number(value)} {application.currency}".strip()
    if isinstance(value, int | Decimal):
        return _number(value)
    return _choice_label(field, str(value))
