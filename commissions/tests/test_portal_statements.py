"""The company's statements in the portal: partner admins see the approved and paid ones (never
a draft), open one and download its PDF and CSV; another partner's, another tenant's and
anonymous get 404 (the issue's test), a rep gets nothing."""

from datetime import timedelta

import pytest
from django_scopes import scope

from commissions.models import Statement
from commissions.services.statements import period_close
from commissions.tests.factories import line_row
from prm.exchange.services import tenant_today
from prm.metrics.periods import month_of
from prm.tenancy.roles import Role

pytestmark = pytest.mark.django_db

PAGES = (
    "/earnings/statements/{pk}/",
    "/earnings/statements/{pk}/pdf/",
    "/earnings/statements/{pk}/csv/",
)


def test_a_partner_admin_sees_the_companys_statements_newest_first(ours, host_client):
    admin = host_client(ours.host, ours.members[Role.PARTNER_ADMIN])
    html = admin.get("/earnings/statements/").content.decode()
    assert ours.statement.reference in html
    assert ours.other_statement.reference not in html
    assert 'id="statements"' in html


def test_drafts_are_never_shown_to_the_partner(ours, host_client):
    with scope(tenant=ours.tenant):
        period = month_of(month_of(tenant_today(ours.tenant)).start - timedelta(days=40))
        line_row(ours.partner, "100", earned_on=period.end)
        period_close(actor=ours.members[Role.PARTNER_OPS], period=period)
        draft = Statement.objects.get(partner=ours.partner, period_start=period.start)
    admin = host_client(ours.host, ours.members[Role.PARTNER_ADMIN])
    assert draft.reference not in admin.get("/earnings/statements/").content.decode()
    for page in PAGES:
        assert admin.get(page.format(pk=draft.pk)).status_code == 404


def test_the_statement_page_shows_totals_lines_and_downloads(ours, host_client):
    admin = host_client(ours.host, ours.members[Role.PARTNER_ADMIN])
    html = admin.get(f"/earnings/statements/{ours.statement.pk}/").content.decode()
    assert 'id="statement-totals"' in html
    assert 'id="statement-lines"' in html
    assert f"/earnings/statements/{ours.statement.pk}/pdf/" in html
    csv = admin.get(f"/earnings/statements/{ours.statement.pk}/csv/")
    assert csv.status_code == 200
    assert ours.statement.reference.encode() in b"".join(csv.streaming_content)


def test_a_paid_statement_says_when_and_with_which_reference(ours, host_client):
    with scope(tenant=ours.tenant):
        Statement.objects.filter(pk=ours.statement.pk).update(
            status=Statement.Status.PAID,
            paid_on=tenant_today(ours.tenant),
            payment_reference="TRF-42",
        )
    admin = host_client(ours.host, ours.members[Role.PARTNER_ADMIN])
    html = admin.get(f"/earnings/statements/{ours.statement.pk}/").content.decode()
    assert "TRF-42" in html
    assert 'id="statement-note"' in html


def test_another_partner_another_tenant_and_anonymous_get_404(ours, theirs, host_client):
    mine = ours.statement
    other_partner = host_client(ours.host, ours.other_partner_admin)
    other_tenant = host_client(ours.host, theirs.members[Role.PARTNER_ADMIN])
    foreign = host_client(theirs.host, theirs.members[Role.PARTNER_ADMIN])
    anonymous = host_client(ours.host)
    for page in PAGES:
        url = page.format(pk=mine.pk)
        assert other_partner.get(url).status_code == 404, url
        # the other tenant's admin, on their own host, asking for our statement's id
        assert foreign.get(url).status_code == 404, url
        assert other_tenant.get(url).status_code in (302, 403, 404), url
        response = anonymous.get(url)
        assert response.status_code in (302, 404), url
        assert b"%PDF" not in response.content


def test_a_rep_has_no_statements(ours, host_client):
    rep = host_client(ours.host, ours.members[Role.PARTNER_REP])
    assert rep.get("/earnings/statements/").status_code == 403
    assert rep.get(f"/earnings/statements/{ours.statement.pk}/pdf/").status_code == 403


def test_the_empty_list_says_what_to_do(theirs, host_client):
    with scope(tenant=theirs.tenant):
        Statement.objects.filter(tenant=theirs.tenant).update(status=Statement.Status.DRAFT)
    admin = host_client(theirs.host, theirs.members[Role.PARTNER_ADMIN])
    assert b'id="statements-empty"' in admin.get("/earnings/statements/").content
