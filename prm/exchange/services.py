"""Entering, importing and deleting the tenant's exchange rates.

Each service takes the acting `Membership`, checks it may manage rates (`rates.manage`) in the
rate's tenant, validates by the same rules (`rate_problems`), writes and audits with before and
after, in one transaction. A currency and first day entered again updates that row; when two
people insert the same currency and day at once, the database's unique constraint decides and
the loser gets a `ValidationError` beside `valid_from` (`prm.uniques.refusing_duplicates`).
Rates are for reporting only (`prm.exchange.rates`).
"""

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from prm.audit.services import audit_record
from prm.csvio.importing import ImportColumn, Row, RowError, RowErrors, read_rows
from prm.forms import Form
from prm.tenancy.models import CURRENCIES, Membership, Tenant
from prm.uniques import refusing_duplicates

from .models import ExchangeRate

#: a rate is at most 10 digits before the point and 8 after (the column's precision)
MAX_PLACES = 8
MAX_WHOLE_DIGITS = 10
#: how far ahead a rate may start
MAX_DAYS_AHEAD = 365

CODES = [code for code, _label in CURRENCIES]


def tenant_today(tenant: Tenant) -> date:
    """Today in the tenant's time zone (a rate's first day is one of the tenant's days)."""
    return timezone.localdate(timezone=ZoneInfo(tenant.time_zone))


def rate_problems(
    tenant: Tenant, *, currency: str, rate: Decimal | None, valid_from: date | None
) -> dict[str, str]:
    """What is wrong with a rate, by field (empty when nothing is): a known currency other
    than the tenant's own, a positive rate with at most 8 decimals, a first day at most a
    year ahead."""
    problems: dict[str, str] = {}
    default = tenant.default_currency
    if currency == default:
        problems["currency"] = _(
            "%(currency)s is the program's own currency: its rate is always 1."
        ) % {"currency": default}
    elif currency not in CODES:
        problems["currency"] = _("Choose one of %(codes)s.") % {
            "codes": ", ".join(c for c in CODES if c != default)
        }
    if rate is None or not rate.is_finite() or rate <= 0:
        problems["rate"] = _("Enter a rate above 0: what one unit of the currency is worth.")
    else:
        _sign, digits, exponent = rate.normalize().as_tuple()
        places = -int(exponent) if int(exponent) < 0 else 0
        if places > MAX_PLACES:
            problems["rate"] = _("Use at most %(n)d decimal places.") % {"n": MAX_PLACES}
        elif len(digits) - places > MAX_WHOLE_DIGITS:
            problems["rate"] = _("Enter a rate below 10,000,000,000.")
    if valid_from is None:
        problems["valid_from"] = _("Enter the first day the rate applies.")
    elif valid_from > tenant_today(tenant) + timedelta(days=MAX_DAYS_AHEAD):
        problems["valid_from"] = _("Enter a day at most a year from today.")
    return problems


def _require_manager(actor: Membership, tenant_id: int) -> None:
    if actor.tenant_id != tenant_id or not actor.can("rates.manage"):
        raise PermissionDenied


def _audit_value(row: ExchangeRate | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {
        "currency": row.currency,
        "rate": str(row.rate),
        "valid_from": row.valid_from.isoformat(),
        "source": row.source,
    }


def _set(
    actor: Membership, *, currency: str, rate: Decimal, valid_from: date, source: str
) -> ExchangeRate:
    """Write one validated rate (insert, or update the row of the same currency and day)."""
    tenant = actor.tenant
    row = (
        ExchangeRate.objects.select_for_update()
        .filter(tenant=tenant, currency=currency, valid_from=valid_from)
        .first()
    )
    before = _audit_value(row)
    if row is None:
        row = ExchangeRate(
            tenant=tenant,
            currency=currency,
            rate=rate,
            valid_from=valid_from,
            source=source,
            created_by=actor.user,
        )
        with refusing_duplicates():
            row.save()
    elif row.rate == rate:
        return row  # nothing changes: no audit event either
    else:
        row.rate, row.source, row.created_by = rate, source, actor.user
        row.save(update_fields=["rate", "source", "created_by"])
    audit_record(
        tenant=tenant,
        actor=actor.user,
        action="exchange.rate.set",
        obj=row,
        before=before,
        after=_audit_value(row),
    )
    return row


def rate_set(*, actor: Membership, currency: str, rate: Decimal, valid_from: date) -> ExchangeRate:
    """Set the rate of `currency` from `valid_from`: one unit of it in the tenant's default
    currency. The same currency and day again updates that row (audited with before and
    after; the same rate again changes nothing).

    Raises `PermissionDenied` without `rates.manage`, `ValidationError` by field for a rate
    `rate_problems` refuses or for the same currency and day inserted by someone else at the
    same moment.
    """
    _require_manager(actor, actor.tenant_id)
    problems = rate_problems(actor.tenant, currency=currency, rate=rate, valid_from=valid_from)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        return _set(
            actor,
            currency=currency,
            rate=rate,
            valid_from=valid_from,
            source=ExchangeRate.Source.ENTERED,
        )


def rate_delete(*, actor: Membership, rate: ExchangeRate) -> None:
    """Delete one rate (audited with what it was): reports on the days it covered use the
    currency's earlier rate again, or leave the currency out. Raises `PermissionDenied`
    without `rates.manage` in the rate's tenant."""
    _require_manager(actor, rate.tenant_id)
    with transaction.atomic():
        audit_record(
            tenant=actor.tenant,
            actor=actor.user,
            action="exchange.rate.deleted",
            obj=rate,
            before=_audit_value(rate),
            after={"currency": rate.currency, "valid_from": rate.valid_from.isoformat()},
        )
        rate.delete()


# The CSV import

COLUMNS = [
    ImportColumn(
        "currency",
        gettext_lazy("currency"),
        gettext_lazy(
            "The ISO code of the currency, such as GBP; any known currency but the program's own."
        ),
        required=True,
        example="GBP",
    ),
    ImportColumn(
        "rate",
        gettext_lazy("rate"),
        gettext_lazy(
            "What one unit of the currency is worth in the program's currency, with a point "
            "for decimals (at most 8 places)."
        ),
        required=True,
        example="1.17250000",
    ),
    ImportColumn(
        "valid_from",
        gettext_lazy("valid from"),
        gettext_lazy("The first day the rate applies, as YYYY-MM-DD (at most a year ahead)."),
        required=True,
        example="2026-01-01",
    ),
]


class RateRowForm(Form):
    """One row of the file, cleaned by the same rules as the page's form (`rate_problems`)."""

    currency = forms.CharField(max_length=10)
    rate = forms.CharField(max_length=40)
    valid_from = forms.DateField(input_formats=["%Y-%m-%d"])

    def __init__(self, *args: Any, tenant: Tenant, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tenant = tenant

    def clean_currency(self) -> str:
        return str(self.cleaned_data["currency"]).strip().upper()

    def clean_rate(self) -> Decimal | None:
        text = str(self.cleaned_data["rate"]).strip()
        try:
            return Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError(
                _("“%(value)s” is not a number: write it like 0.92150000.") % {"value": text}
            ) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors:
            problems = rate_problems(
                self.tenant,
                currency=data["currency"],
                rate=data["rate"],
                valid_from=data["valid_from"],
            )
            for field, message in problems.items():
                self.add_error(field, message)
        return data


def _twice(rows: list[Row]) -> list[RowError]:
    """A currency and day the file sets twice: which one would win is not clear."""
    seen = Counter((r.values["currency"], r.values["valid_from"]) for r in rows)
    label = str(COLUMNS[2].label)
    return [
        RowError(
            r.number,
            label,
            _("The file sets the %(currency)s rate from %(day)s more than once.")
            % {"currency": r.values["currency"], "day": r.values["valid_from"].isoformat()},
        )
        for r in rows
        if seen[(r.values["currency"], r.values["valid_from"])] > 1
    ]


def rates_import(*, actor: Membership, upload: UploadedFile, check_only: bool = False) -> int:
    """Import rates from a CSV file (columns `COLUMNS`), all or nothing: each row by the rules
    of `rate_set` (a currency and day already there is updated), audited row by row and once
    for the file. Returns the number of rows; with `check_only`, checks them and writes
    nothing.

    Raises `PermissionDenied` without `rates.manage`, `ValidationError` for a problem of the
    file as a whole and `RowErrors` with every row's problems by row and column; then nothing
    is written.
    """
    _require_manager(actor, actor.tenant_id)
    tenant = actor.tenant
    rows = read_rows(
        upload,
        columns=COLUMNS,
        make_form=lambda values: RateRowForm(values, tenant=tenant),
    )
    errors = _twice(rows)
    if errors:
        raise RowErrors(errors)
    if check_only:
        return len(rows)
    labels = {c.key: str(c.label) for c in COLUMNS}
    with transaction.atomic():
        for row in rows:
            try:
                _set(actor, source=ExchangeRate.Source.IMPORTED, **row.values)
            except ValidationError as exc:
                # A row someone else set at the same moment: the whole file waits for a retry.
                raise RowErrors(
                    [
                        RowError(row.number, labels.get(field, ""), str(message))
                        for field, messages in exc.message_dict.items()
                        for message in messages
                    ]
                ) from exc
        audit_record(
            tenant=tenant,
            actor=actor.user,
            action="exchange.rates.imported",
            after={"count": len(rows), "file": upload.name or ""},
        )
    return len(rows)
