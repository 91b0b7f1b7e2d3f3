import csv
import html
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope

from prm.exchange.models import ExchangeRate
from prm.exchange.services import tenant_today
from prm.tenancy.roles import Role

pytestmark = pytest.mark.django_db

RATES = "/admin/exchange-rates/"
ADD = "/admin/exchange-rates/add/"


def _text(response) -> str:
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    return html.unescape(re.sub(r"\s+", " ", text))


def _rates(world, **lookup):
    with scope(tenant=world.tenant):
        return list(ExchangeRate.objects.filter(tenant=world.tenant, **lookup))


def test_the_page_names_the_default_currency_and_the_rate_in_force(ours, host_client):
    client = host_client(ours.host, ours.members[Role.CAM])
    page = client.get(RATES)

    assert page.status_code == 200
    text = _text(page)
    assert "Rates are the value of one unit in EUR" in text
    assert "USD" in text
    assert "0.9" in text
    # a CAM reads the rates but may not set them
    assert 'id="rate-continue"' not in page.content.decode()
    assert "Import CSV" not in text


def test_the_page_has_an_empty_state_that_says_what_to_do(ours, host_client):
    with scope(tenant=ours.tenant):
        ExchangeRate.objects.filter(tenant=ours.tenant).delete()
    page = host_client(ours.host, ours.members[Role.PARTNER_OPS]).get(RATES)
    assert "No exchange rate yet. Set the rate of each currency" in _text(page)


def test_setting_a_rate_is_confirmed_then_saved(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    values = {"currency": "GBP", "rate": "1.1725", "valid_from": "2026-01-01"}

    confirm = client.post(ADD, values)
    assert confirm.status_code == 200
    assert "1 GBP is worth 1.1725 in EUR" in _text(confirm)
    assert not _rates(ours, currency="GBP")

    done = client.post(ADD, {**values, "confirmed": "on"})
    assert done.status_code == 302
    assert [r.rate for r in _rates(ours, currency="GBP")] == [Decimal("1.1725")]
    assert "The GBP rate from" in _text(client.get(RATES))


def test_the_confirmation_names_the_rate_it_replaces(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    day = ours.exchange_rate.valid_from.isoformat()
    confirm = client.post(ADD, {"currency": "USD", "rate": "0.95", "valid_from": day})
    assert "the rate 0.9 set for this day" in _text(confirm)


def test_the_page_shows_errors_beside_their_fields(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    far = (tenant_today(ours.tenant) + timedelta(days=400)).isoformat()

    page = client.post(
        ADD, {"currency": "EUR", "rate": "0.123456789", "valid_from": far, "confirmed": "on"}
    )

    assert page.status_code == 200
    page_html = page.content.decode()
    # the form's own check (EUR is not offered) and the service's (rate, date) beside each field
    for field, message in [
        ("currency", "Select a valid choice"),
        ("rate", "at most 8 decimal places"),
        ("valid_from", "at most a year from today"),
    ]:
        error = re.search(rf'id="id_{field}_error">(.*?)</ul>', page_html, re.S)
        assert error, field
        assert message in error.group(1)
    assert not _rates(ours, currency="EUR")


def test_a_service_refusal_comes_back_beside_its_field(ours, host_client, monkeypatch):
    """What the service refuses after the confirmation (someone set the same day just now)
    comes back on the form, beside its field, to be confirmed again."""
    from django.core.exceptions import ValidationError

    def refuse(**kwargs):
        raise ValidationError({"valid_from": "someone set it just now"})

    monkeypatch.setattr("prm.exchange.views.rate_set", refuse)
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    page = client.post(
        ADD, {"currency": "GBP", "rate": "1.1", "valid_from": "2026-01-01", "confirmed": "on"}
    )
    page_html = page.content.decode()
    day_error = re.search(r'id="id_valid_from_error">(.*?)</ul>', page_html, re.S).group(1)
    assert "someone set it just now" in day_error
    assert 'name="confirmed" value="on"' not in page_html


def test_deleting_a_rate_is_confirmed(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    url = f"/admin/exchange-rates/{ours.exchange_rate.pk}/delete/"

    page = client.get(url)
    assert "There is no earlier USD rate" in _text(page)
    assert _rates(ours, currency="USD")

    assert client.post(url).status_code == 302
    assert not _rates(ours, currency="USD")


def test_another_tenants_rate_is_not_found(ours, theirs, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    assert client.get(f"/admin/exchange-rates/{theirs.exchange_rate.pk}/delete/").status_code == 404
    assert (
        client.post(f"/admin/exchange-rates/{theirs.exchange_rate.pk}/delete/").status_code == 404
    )
    assert _rates(theirs, currency="USD")


def test_the_import_page_lists_problems_by_row_and_imports_nothing(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    upload = SimpleUploadedFile(
        "rates.csv", b"currency,rate,valid_from\nGBP,1.1,2026-01-01\nEUR,1,2026-01-01\n"
    )
    page = client.post("/admin/exchange-rates/import/", {"file": upload})
    assert page.status_code == 200
    assert "Nothing was imported: the file has 1 problem." in _text(page)
    assert "program's own currency" in _text(page)
    assert not _rates(ours, currency="GBP")


def test_the_import_page_imports_a_good_file(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    upload = SimpleUploadedFile("rates.csv", b"currency;rate;valid_from\nGBP;1.1;2026-01-01\n")
    assert client.post("/admin/exchange-rates/import/", {"file": upload}).status_code == 302
    assert [(r.valid_from, r.source) for r in _rates(ours, currency="GBP")] == [
        (date(2026, 1, 1), "imported")
    ]


def test_the_import_template_has_the_headings(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    response = client.get("/admin/exchange-rates/import/template/")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert next(csv.reader(body.splitlines())) == ["currency", "rate", "valid from"]


def test_the_menu_entry_opens_the_rates_page(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    assert client.get("/admin/exchange/exchangerate/").url == RATES
    assert "/admin/exchange/exchangerate/" in client.get("/admin/").content.decode()
