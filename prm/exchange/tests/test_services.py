from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from prm.audit.models import AuditEvent
from prm.csvio.importing import RowErrors
from prm.exchange.models import ExchangeRate
from prm.exchange.services import rate_delete, rate_set, rates_import, tenant_today
from prm.tenancy.roles import Role

pytestmark = pytest.mark.django_db

DAY = date(2026, 1, 1)


def _errors(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict


def test_rate_set_creates_the_rate_and_audits_it(in_ours, ops):
    row = rate_set(actor=ops, currency="GBP", rate=Decimal("1.17"), valid_from=DAY)

    assert (row.currency, row.rate, row.valid_from) == ("GBP", Decimal("1.17"), DAY)
    assert row.source == ExchangeRate.Source.ENTERED
    assert row.created_by == ops.user
    event = AuditEvent.objects.get(tenant=in_ours.tenant, action="exchange.rate.set")
    assert event.before == {}
    assert event.after["rate"] == "1.17"
    assert event.after["valid_from"] == "2026-01-01"


def test_the_same_currency_and_day_again_updates_that_row(in_ours, ops):
    first = rate_set(actor=ops, currency="GBP", rate=Decimal("1.17"), valid_from=DAY)
    again = rate_set(actor=ops, currency="GBP", rate=Decimal("1.18"), valid_from=DAY)

    assert again.pk == first.pk
    assert ExchangeRate.objects.filter(tenant=in_ours.tenant, currency="GBP").count() == 1
    assert ExchangeRate.objects.get(pk=first.pk).rate == Decimal("1.18")
    event = AuditEvent.objects.filter(action="exchange.rate.set").latest("id")
    assert event.before["rate"] == "1.17000000"
    assert event.after["rate"] == "1.18"


def test_the_same_rate_again_changes_nothing(in_ours, ops):
    rate_set(actor=ops, currency="GBP", rate=Decimal("1.17"), valid_from=DAY)
    rate_set(actor=ops, currency="GBP", rate=Decimal("1.17000"), valid_from=DAY)
    assert AuditEvent.objects.filter(action="exchange.rate.set").count() == 1


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"currency": "EUR"}, "currency", "EUR is the program's own currency"),
        ({"currency": "XYZ"}, "currency", "Choose one of USD, GBP"),
        ({"rate": Decimal("0")}, "rate", "Enter a rate above 0"),
        ({"rate": Decimal("-1.5")}, "rate", "Enter a rate above 0"),
        ({"rate": Decimal("NaN")}, "rate", "Enter a rate above 0"),
        ({"rate": Decimal("1.123456789")}, "rate", "at most 8 decimal places"),
        ({"rate": Decimal("12345678901")}, "rate", "below 10,000,000,000"),
        ({"valid_from": None}, "valid_from", "Enter the first day"),
        ({"valid_from": "far"}, "valid_from", "at most a year from today"),
    ],
)
def test_rate_set_refuses_with_a_message_beside_the_field(in_ours, ops, values, field, message):
    args = {"currency": "GBP", "rate": Decimal("1.1"), "valid_from": DAY, **values}
    if args["valid_from"] == "far":
        args["valid_from"] = tenant_today(in_ours.tenant) + timedelta(days=366)

    with pytest.raises(ValidationError) as refused:
        rate_set(actor=ops, **args)

    assert list(_errors(refused.value)) == [field]
    assert message in _errors(refused.value)[field][0]
    assert not ExchangeRate.objects.filter(tenant=in_ours.tenant, currency="GBP").exists()


def test_a_rate_a_year_ahead_and_trailing_zeros_are_accepted(in_ours, ops):
    ahead = tenant_today(in_ours.tenant) + timedelta(days=365)
    row = rate_set(actor=ops, currency="GBP", rate=Decimal("1.1234567800"), valid_from=ahead)
    assert row.valid_from == ahead


@pytest.mark.parametrize("role", [Role.CAM, Role.PARTNER_ADMIN, Role.PARTNER_REP])
def test_only_managers_set_and_delete_rates(in_ours, role):
    actor = in_ours.members[role]
    with pytest.raises(PermissionDenied):
        rate_set(actor=actor, currency="GBP", rate=Decimal("1.1"), valid_from=DAY)
    with pytest.raises(PermissionDenied):
        rate_delete(actor=actor, rate=in_ours.exchange_rate)


def test_program_leaders_manage_rates(in_ours):
    leader = in_ours.members[Role.PROGRAM_LEADER]
    assert rate_set(actor=leader, currency="GBP", rate=Decimal("1.1"), valid_from=DAY).pk


def test_another_tenants_rate_cannot_be_deleted(in_ours, theirs):
    with pytest.raises(PermissionDenied):
        rate_delete(actor=theirs.members[Role.PARTNER_OPS], rate=in_ours.exchange_rate)


def test_rate_delete_removes_the_row_and_audits_what_it_was(in_ours, ops):
    rate = in_ours.exchange_rate
    rate_delete(actor=ops, rate=rate)

    assert not ExchangeRate.objects.filter(pk=rate.pk).exists()
    event = AuditEvent.objects.get(tenant=in_ours.tenant, action="exchange.rate.deleted")
    assert event.before["rate"] == "0.90000000"
    assert event.after["currency"] == "USD"


# The CSV import


def _csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("rates.csv", text.encode(), content_type="text/csv")


def test_import_writes_every_row_and_updates_a_day_already_there(in_ours, ops):
    rate_set(actor=ops, currency="GBP", rate=Decimal("1.1"), valid_from=DAY)

    count = rates_import(
        actor=ops,
        upload=_csv(
            "currency,rate,valid_from\n"
            "gbp,1.15,2026-01-01\n"
            "CHF,0.95,2026-01-01\n"
            "CHF,0.96,2026-02-01\n"
        ),
    )

    assert count == 3
    rows = ExchangeRate.objects.filter(tenant=in_ours.tenant, currency__in=["GBP", "CHF"])
    assert sorted((r.currency, str(r.rate), r.source) for r in rows) == [
        ("CHF", "0.95000000", "imported"),
        ("CHF", "0.96000000", "imported"),
        ("GBP", "1.15000000", "imported"),
    ]
    assert AuditEvent.objects.get(action="exchange.rates.imported").after == {
        "count": 3,
        "file": "rates.csv",
    }


def test_import_is_all_or_nothing_with_errors_by_row_and_column(in_ours, ops):
    with pytest.raises(RowErrors) as refused:
        rates_import(
            actor=ops,
            upload=_csv(
                "currency,rate,valid_from\n"
                "GBP,1.15,2026-01-01\n"
                "EUR,1,2026-01-01\n"
                "CHF,zero,2026-01-01\n"
                "JPY,0.006,1 May\n"
            ),
        )

    found = {(e.row, e.column): e.message for e in refused.value.errors}
    assert set(found) == {(3, "currency"), (4, "rate"), (5, "valid from")}
    assert "program's own currency" in found[(3, "currency")]
    assert "not a number" in found[(4, "rate")]
    assert not ExchangeRate.objects.filter(tenant=in_ours.tenant, currency="GBP").exists()


def test_import_refuses_a_currency_and_day_set_twice(in_ours, ops):
    with pytest.raises(RowErrors) as refused:
        rates_import(
            actor=ops,
            upload=_csv("currency,rate,valid_from\nGBP,1.1,2026-01-01\ngbp,1.2,2026-01-01\n"),
        )
    assert [e.row for e in refused.value.errors] == [2, 3]
    assert not ExchangeRate.objects.filter(tenant=in_ours.tenant, currency="GBP").exists()


def test_import_refuses_a_file_with_a_missing_column(in_ours, ops):
    with pytest.raises(ValidationError) as refused:
        rates_import(actor=ops, upload=_csv("currency,rate\nGBP,1.1\n"))
    assert "valid from" in str(refused.value)


def test_only_managers_import(in_ours):
    with pytest.raises(PermissionDenied):
        rates_import(
            actor=in_ours.members[Role.CAM],
            upload=_csv("currency,rate,valid_from\nGBP,1.1,2026-01-01\n"),
        )
