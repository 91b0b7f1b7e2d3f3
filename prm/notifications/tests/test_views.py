"""The notification center in the portal and the admin UI."""

import pytest
from django_scopes import scope

from prm.notifications.models import Notification
from prm.notifications.selectors import preferences_for
from prm.tenancy.roles import Role
from prm.tenancy.tests.factories import partner_membership


def add_notifications(world, membership, n, **extra):
    with scope(tenant=world.tenant):
        Notification.objects.bulk_create(
            Notification(
                tenant=world.tenant,
                recipient=membership.user,
                event="test",
                rule="test",
                category="account",
                title=f"Item {i}",
                link="/team/",
                **extra,
            )
            for i in range(n)
        )


@pytest.mark.django_db
def test_the_bell_counts_unread_and_the_count_endpoint_refreshes_it(ours, host_client):
    admin = ours.members[Role.PARTNER_ADMIN]
    client = host_client(ours.host, admin)
    home = client.get("/").content.decode()
    # the world's own notifications of the admin (its deal's commission, its company's news)
    with scope(tenant=ours.tenant):
        unread = Notification.objects.filter(recipient=admin.user, read_at__isnull=True).count()
    assert 'hx-get="/notifications/count/"' in home
    assert f'<span id="bell-count" class="badge rounded-pill text-bg-danger">{unread}<' in home
    add_notifications(ours, admin, 2)
    fragment = client.get("/notifications/count/").content.decode()
    assert fragment.startswith('<span id="bell-count"')
    assert f">{unread + 2}<" in fragment


@pytest.mark.django_db
def test_opening_marks_read_and_follows_the_link(ours, host_client):
    admin = ours.members[Role.PARTNER_ADMIN]
    client = host_client(ours.host, admin)
    notification = ours.notifications[admin.user_id]
    response = client.get(f"/notifications/{notification.pk}/")
    assert response["Location"] == "/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert "hidden" in client.get("/notifications/count/").content.decode()


@pytest.mark.django_db
def test_mark_all_read_touches_only_my_notifications(ours, host_client):
    admin, rep = ours.members[Role.PARTNER_ADMIN], ours.members[Role.PARTNER_REP]
    add_notifications(ours, admin, 3)
    client = host_client(ours.host, admin)
    response = client.post("/notifications/read-all/")
    assert response.status_code == 302
    with scope(tenant=ours.tenant):
        assert not Notification.objects.filter(recipient=admin.user, read_at=None).exists()
        assert Notification.objects.filter(recipient=rep.user, read_at=None).exists()


@pytest.mark.django_db
def test_the_list_is_newest_first_paginated_and_says_what_to_do_when_empty(ours, host_client):
    admin = ours.members[Role.PARTNER_ADMIN]
    add_notifications(ours, admin, 25)
    client = host_client(ours.host, admin)
    page = client.get("/notifications/").content.decode()
    assert "Page 1 of 2" in page
    assert "Mark all as read" in page
    client.post("/notifications/read-all/")
    rep_page = host_client(ours.host, ours.members[Role.PARTNER_REP])
    with scope(tenant=ours.tenant):
        Notification.objects.filter(recipient=ours.members[Role.PARTNER_REP].user).delete()
    empty = rep_page.get("/notifications/").content.decode()
    assert "No notifications yet." in empty


@pytest.mark.django_db
def test_a_member_of_two_tenants_sees_each_tenants_notifications_on_its_host(
    ours, theirs, host_client
):
    person = ours.members[Role.PARTNER_REP].user
    there = partner_membership(theirs.partner, user=person)
    add_notifications(theirs, there, 1, body="only at theirs")
    here_page = (
        host_client(ours.host, ours.members[Role.PARTNER_REP])
        .get("/notifications/")
        .content.decode()
    )
    there_page = host_client(theirs.host, there).get("/notifications/").content.decode()
    assert "at ours" in here_page
    assert "only at theirs" not in here_page
    assert "only at theirs" in there_page
    assert "at ours" not in there_page
    assert (
        ">1<"
        in host_client(ours.host, ours.members[Role.PARTNER_REP])
        .get("/notifications/count/")
        .content.decode()
    )
    assert ">1<" in host_client(theirs.host, there).get("/notifications/count/").content.decode()


@pytest.mark.django_db
def test_vendor_staff_read_their_notifications_in_the_admin_ui(ours, host_client):
    leader = ours.members[Role.PROGRAM_LEADER]
    client = host_client(ours.host, leader)
    assert client.get("/notifications/")["Location"] == "/admin/notifications/"
    page = client.get("/admin/notifications/").content.decode()
    assert f"Hello {leader.user.email} at ours" in page
    admin_home = client.get("/admin/").content.decode()
    assert 'id="prm-bell"' in admin_home


@pytest.mark.django_db
def test_preferences_are_saved_per_category(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_REP])
    choice = {
        "account": "digest",
        "program": "portal",
        "deals": "immediate",
        "training": "digest",
        "mdf": "portal",
        "commissions": "immediate",
        "reporting_alerts": "digest",  # KPI alerts (reporting, C)
    }
    assert client.post("/notifications/settings/", choice).status_code == 302
    with scope(tenant=ours.tenant):
        chosen = preferences_for(tenant=ours.tenant, user=ours.members[Role.PARTNER_REP].user)
    assert chosen == choice
    bad = client.post("/notifications/settings/", {**choice, "account": "carrier-pigeon"})
    assert bad.status_code == 200
    assert "Select a valid choice" in bad.content.decode()
