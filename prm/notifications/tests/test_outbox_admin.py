"""Staff read the outbox without the secrets in it: invitation and unsubscribe links are masked
on every page that shows a row (prm.security.secret_urls)."""

import re

import pytest
from django_scopes import scope

from prm.accounts import services as account_services
from prm.notifications.admin import EmailOutboxAdmin
from prm.notifications.models import EmailOutbox, Notification
from prm.notifications.outbox import notification_email_enqueue
from prm.security.secret_urls import MASK
from prm.tenancy.roles import Role
from prm.workspace.sites import tenant_admin_site

TOKEN_LINK = re.compile(r"/(?:invitations|notifications/unsubscribe)/([^/\s\"'<]+)/")


def staff_pages(world, host_client, row: EmailOutbox) -> list[str]:  # type: ignore[no-untyped-def]
    """Every page of the admin UI that shows the row, as the program leader sees it."""
    client = host_client(world.host, world.members[Role.PROGRAM_LEADER])
    admin_ = tenant_admin_site._registry[EmailOutbox]
    urls = [
        "/admin/notifications/emailoutbox/",
        f"/admin/notifications/emailoutbox/?q={row.to_email}",
        f"/admin/notifications/emailoutbox/{row.pk}/change/",
    ]
    if getattr(admin_, "csv_columns", None) is not None and hasattr(admin_, "csv_export_view"):
        urls.append("/admin/notifications/emailoutbox/export/")
    pages = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        pages.append(b"".join(response) if response.streaming else response.content)
    return [page.decode() for page in pages]


@pytest.mark.django_db
def test_an_invitation_a_partner_admin_sent_is_masked_for_staff(ours, host_client):
    with scope(tenant=ours.tenant):
        invitation = account_services.invitation_create(
            actor=ours.members[Role.PARTNER_ADMIN],
            email="new.colleague@partner.test",
            role=Role.PARTNER_REP,
            partner=ours.partner,
        )
        row = EmailOutbox.objects.get(to_email=invitation.email)
    token = TOKEN_LINK.search(row.body_text).group(1)
    assert token in row.body_html  # the email itself carries the live link
    for page in staff_pages(ours, host_client, row):
        assert token not in page
        assert "new.colleague@partner.test" in page
    change_page = staff_pages(ours, host_client, row)[-1]
    assert f"/invitations/{MASK}/" in change_page


@pytest.mark.django_db
def test_an_unsubscribe_link_is_masked_for_staff(ours, host_client):
    rep = ours.members[Role.PARTNER_REP]
    with scope(tenant=ours.tenant):
        notification = Notification.objects.create(
            tenant=ours.tenant,
            recipient=rep.user,
            event="partners.partner.status_changed",
            category="program",
            title="Hello",
            link="/deals/",
        )
        row = notification_email_enqueue(notification=notification, user=rep.user, held=False)
    token = TOKEN_LINK.search(row.body_text).group(1)
    for page in staff_pages(ours, host_client, row):
        assert token not in page
    assert "/deals/" in staff_pages(ours, host_client, row)[-1]


def test_the_outbox_admin_never_shows_a_body_field_itself():
    """Every column, field and export of the outbox goes through the masking display methods."""
    admin_ = tenant_admin_site._registry[EmailOutbox]
    assert isinstance(admin_, EmailOutboxAdmin)
    shown = {
        *admin_.list_display,
        *(admin_.fields or ()),
        *admin_.readonly_fields,
        *getattr(admin_, "csv_columns", ()),
    }
    assert not shown & {"body_text", "body_html", "headers"}
