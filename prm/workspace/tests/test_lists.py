"""Admin pages read like a product: human titles, and lists whose filter panel folds away."""

import pytest
from django_scopes import scope

from prm.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def test_a_list_is_titled_by_what_it_lists(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    html = client.get("/admin/partners/partner/").content.decode()
    assert "<h1>Partners</h1>" in html
    assert "<title>Partners |" in html
    assert "Select partner" not in html
    audit = client.get("/admin/audit/auditevent/").content.decode()
    assert "<h1>Audit log</h1>" in audit


def test_an_app_page_is_titled_by_the_apps_name_alone(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    html = client.get("/admin/tenancy/").content.decode()
    assert "<h1>Team and settings</h1>" in html
    assert "administration" not in html.lower()
    assert client.get("/admin/nosuchapp/").status_code == 404


def test_a_record_is_titled_by_its_name_and_a_new_one_as_new(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    html = client.get(f"/admin/partners/partner/{ours.partner.pk}/change/").content.decode()
    assert f"<h1>{ours.partner.name}</h1>" in html
    assert "Change partner" not in html
    assert "<h1>New partner</h1>" in client.get("/admin/partners/partner/add/").content.decode()


def test_the_cams_read_only_partner_view_shows_no_none(ours, host_client):
    with scope(tenant=ours.tenant):
        ours.partner.industry = ""
        ours.partner.joined_on = None
        ours.partner.save()
    cam = host_client(ours.host, ours.members[Role.CAM])
    html = cam.get(f"/admin/partners/partner/{ours.partner.pk}/change/").content.decode()
    assert 'class="readonly">None<' not in html
    assert ">None<" not in html
    assert "Reason for the status change" not in html  # a form field, nothing to read
    assert 'class="readonly">—</div>' in html  # an empty value is a dash


def test_the_filter_panel_has_a_toggle_and_the_list_says_which_filters_apply(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    html = client.get("/admin/partners/partner/?status__exact=active").content.decode()
    assert 'aria-controls="changelist-filter"' in html
    assert "data-prm-filter-toggle" in html
    assert "Filters (1)" in html
    assert "Status: <strong>Active</strong>" in html
    assert 'href="?"' in html  # removing the one filter leaves the plain list
    assert "/static/js/admin.js" in html  # opens, closes and remembers the panel
    plain = client.get("/admin/partners/partner/").content.decode()
    assert "Filters applied" not in plain


def test_a_lists_key_columns_are_marked_for_the_page_to_keep_them_in_view(ours, host_client):
    cam = host_client(ours.host, ours.members[Role.CAM])
    html = cam.get("/admin/deals/lead/").content.decode()
    assert 'data-prm-key-columns="status_badge answer_by assign_button"' in html
    leader = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    assert "data-prm-key-columns" not in leader.get("/admin/partners/tier/").content.decode()


def test_a_filter_the_list_applies_by_default_is_shown_but_not_removable(ours, host_client):
    cam = host_client(ours.host, ours.members[Role.CAM])
    html = cam.get("/admin/deals/deal/").content.decode()
    assert "Status: <strong>Waiting for a decision</strong>" in html
    assert "Remove the filter “Status”" not in html
    filtered = cam.get("/admin/deals/deal/?status=approved").content.decode()
    assert "Remove the filter “Status”" in filtered
