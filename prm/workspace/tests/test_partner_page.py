"""The partner page's registry: sections from every app, and the activity of the partner's rows."""

import pytest
from django_scopes import scope

from partners.models import BusinessPlan
from prm.audit.services import audit_record
from prm.tenancy.providers import Providers
from prm.tenancy.roles import Role
from prm.workspace import partner_page
from prm.workspace.partner_page import (
    PartnerSection,
    partner_activity,
    partner_sections,
    register_partner_activity,
    register_partner_section,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sections(monkeypatch):
    """An empty section registry for the test (the apps' sections come back afterwards)."""
    monkeypatch.setattr(partner_page, "_SECTIONS", Providers())


def section(key, column="main"):
    return lambda partner, membership: PartnerSection(
        key=key, title=key, template="x.html", context={"partner": partner}, column=column
    )


def test_sections_come_in_order_to_members_with_the_capability(sections, ours):
    register_partner_section(section("late"), order=50)
    register_partner_section(section("early", "side"), order=10)
    register_partner_section(section("money"), capability="deals.manage", order=30)
    register_partner_section(lambda partner, membership: None, order=20)
    cam = [s.key for s in partner_sections(ours.partner, ours.members[Role.CAM])]
    leader = [s.key for s in partner_sections(ours.partner, ours.members[Role.PROGRAM_LEADER])]
    assert cam == ["early", "late"]
    assert leader == ["early", "money", "late"]


def test_the_activity_holds_the_partner_and_its_rows_not_other_partners(ours, monkeypatch):
    monkeypatch.setattr(partner_page, "_ACTIVITY", [])
    register_partner_activity(
        lambda partner: BusinessPlan.objects.filter(tenant_id=partner.tenant_id, partner=partner)
    )
    with scope(tenant=ours.tenant):
        mine = audit_record(tenant=ours.tenant, actor=None, action="a.b.mine", obj=ours.partner)
        plan = audit_record(tenant=ours.tenant, actor=None, action="a.b.plan", obj=ours.plan)
        other_plan = BusinessPlan.objects.get(partner=ours.other_partner)
        audit_record(tenant=ours.tenant, actor=None, action="a.b.theirs", obj=other_plan)
        audit_record(tenant=ours.tenant, actor=None, action="a.b.other", obj=ours.other_partner)
        found = list(partner_activity(ours.partner))
    assert found[:2] == [plan, mine]
    assert {e.action for e in found} == {"a.b.mine", "a.b.plan", "test.seeded"}


def test_the_activity_is_newest_first_and_bounded(ours):
    with scope(tenant=ours.tenant):
        for i in range(20):
            audit_record(tenant=ours.tenant, actor=None, action=f"a.b.n{i}", obj=ours.partner)
        found = list(partner_activity(ours.partner, limit=5))
    assert [e.action for e in found] == [f"a.b.n{i}" for i in range(19, 14, -1)]
